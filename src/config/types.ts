// The settled shape of saltmine's configuration and its defaults. Everything else in config/ produces
// exactly this object; the rest of the program only ever sees it frozen.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `auto`: readable lines when stderr is a terminal, JSON lines otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What the collector does when the Twitch token is gone for good (refresh rejected, revoked, corrupt file). */
export type TokenLostFallback = 'anonymous' | 'stop';

export interface Rate {
  /** How many actions are allowed … */
  limit: number;
  /** … within this sliding window. */
  windowMs: number;
}

export interface SaltmineConfig {
  /** Twitch login used as NICK; null = the token's login, or anonymous (justinfan) without a token. */
  nickname: string | null;
  /** Channels to record, normalized to `#login` lowercase and deduplicated (the form normalizeChannel() gives). */
  channels: string[];
  database: {
    /** SQLite file, absolute (relative values are resolved against the working directory). */
    path: string;
    /** PostgreSQL connection URL, for the PostgreSQL store; null = SQLite. */
    postgresUrl: string | null;
  };
  irc: {
    /** `ircs://host:port` (TLS), `irc://host:port` (plain TCP, for local simulators), `wss://` or `ws://` (WebSocket). */
    serverUrl: string;
    channelsPerConnection: number;
    /** JOIN budget per account, across all connections (Twitch: 20 per 10 s). */
    joinRate: Rate;
    /** PRIVMSG budget per account (Twitch: 20 per 30 s for a regular account). */
    sendRate: Rate;
    /** PRIVMSG budget per channel (Twitch: 1 per second unless moderator). */
    sendRatePerChannel: Rate;
    /** How often the client sends its own PING to detect a dead connection. */
    pingIntervalMs: number;
    /** How long to wait for the PONG before reconnecting. */
    pongTimeoutMs: number;
    /** Exponential back-off with jitter between reconnect attempts. */
    reconnect: { minMs: number; maxMs: number };
  };
  writer: {
    /** Events per transaction. */
    batchSize: number;
    /** A partial batch is committed after this long. */
    flushIntervalMs: number;
    /** Queued events above which the writer pushes back on the collector. */
    highWaterMark: number;
  };
  api: {
    host: string;
    port: number;
    /** Allowed CORS origins (`https://example.org`, or `*`); empty = CORS off. */
    corsOrigins: string[];
    /** Threads the API's list queries run on, each with its own read-only connection (read-pool.ts); 0: one per core, at most 4. */
    readThreads: number;
  };
  auth: {
    clientId: string | null;
    clientSecret: string | null;
    /** Where the OAuth token is kept (mode 0600), absolute. */
    tokenFile: string;
    /** Twitch identity server base URL, without trailing slash. */
    idUrl: string;
    fallback: TokenLostFallback;
  };
  log: { level: LogLevel; format: LogFormat };
}

/** Defaults. Paths are relative here and resolved against the working directory by the loader. */
export const DEFAULTS: SaltmineConfig = {
  nickname: null,
  channels: [],
  database: { path: './data/saltmine.db', postgresUrl: null },
  irc: {
    serverUrl: 'ircs://irc.chat.twitch.tv:6697',
    channelsPerConnection: 50,
    joinRate: { limit: 20, windowMs: 10_000 },
    sendRate: { limit: 20, windowMs: 30_000 },
    sendRatePerChannel: { limit: 1, windowMs: 1_000 },
    pingIntervalMs: 60_000,
    pongTimeoutMs: 10_000,
    reconnect: { minMs: 1_000, maxMs: 60_000 },
  },
  writer: { batchSize: 1_000, flushIntervalMs: 250, highWaterMark: 20_000 },
  api: { host: '127.0.0.1', port: 5000, corsOrigins: [], readThreads: 0 },
  auth: {
    clientId: null,
    clientSecret: null,
    tokenFile: './keyz/token.json',
    idUrl: 'https://id.twitch.tv',
    fallback: 'anonymous',
  },
  log: { level: 'info', format: 'auto' },
};

export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
