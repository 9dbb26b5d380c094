// The table of string-valued settings: which environment variable and which command-line flag set which
// config key, and how the text becomes a JSON value. Adding a setting is one row here plus its schema entry.

export type SettingKind = 'string' | 'nullableString' | 'int' | 'list';

export interface Setting {
  /** Dotted key in SaltmineConfig, e.g. `irc.joinRate.limit`. */
  key: string;
  env: string;
  /** Commander option name (camelCase) when the setting also has a flag. */
  flag?: string;
  kind: SettingKind;
  /** Secret values are never repeated in error messages. */
  secret?: boolean;
}

export const SETTINGS: readonly Setting[] = [
  { key: 'nickname', env: 'SALTMINE_NICKNAME', flag: 'nickname', kind: 'nullableString' },
  { key: 'channels', env: 'SALTMINE_CHANNELS', flag: 'channels', kind: 'list' },
  { key: 'database.path', env: 'SALTMINE_DB_PATH', flag: 'db', kind: 'string' },
  { key: 'database.postgresUrl', env: 'SALTMINE_POSTGRES_URL', kind: 'nullableString', secret: true },
  { key: 'irc.serverUrl', env: 'SALTMINE_IRC_URL', flag: 'ircUrl', kind: 'string' },
  { key: 'irc.channelsPerConnection', env: 'SALTMINE_CHANNELS_PER_CONNECTION', kind: 'int' },
  { key: 'irc.joinRate.limit', env: 'SALTMINE_JOIN_RATE_LIMIT', kind: 'int' },
  { key: 'irc.joinRate.windowMs', env: 'SALTMINE_JOIN_RATE_WINDOW_MS', kind: 'int' },
  { key: 'irc.sendRate.limit', env: 'SALTMINE_SEND_RATE_LIMIT', kind: 'int' },
  { key: 'irc.sendRate.windowMs', env: 'SALTMINE_SEND_RATE_WINDOW_MS', kind: 'int' },
  { key: 'irc.sendRatePerChannel.limit', env: 'SALTMINE_SEND_RATE_PER_CHANNEL_LIMIT', kind: 'int' },
  { key: 'irc.sendRatePerChannel.windowMs', env: 'SALTMINE_SEND_RATE_PER_CHANNEL_WINDOW_MS', kind: 'int' },
  { key: 'irc.pingIntervalMs', env: 'SALTMINE_PING_INTERVAL_MS', kind: 'int' },
  { key: 'irc.pongTimeoutMs', env: 'SALTMINE_PONG_TIMEOUT_MS', kind: 'int' },
  { key: 'irc.reconnect.minMs', env: 'SALTMINE_RECONNECT_MIN_MS', kind: 'int' },
  { key: 'irc.reconnect.maxMs', env: 'SALTMINE_RECONNECT_MAX_MS', kind: 'int' },
  { key: 'writer.batchSize', env: 'SALTMINE_WRITER_BATCH_SIZE', kind: 'int' },
  { key: 'writer.flushIntervalMs', env: 'SALTMINE_WRITER_FLUSH_INTERVAL_MS', kind: 'int' },
  { key: 'writer.highWaterMark', env: 'SALTMINE_WRITER_HIGH_WATER_MARK', kind: 'int' },
  { key: 'api.host', env: 'SALTMINE_API_HOST', flag: 'host', kind: 'string' },
  { key: 'api.port', env: 'SALTMINE_API_PORT', flag: 'port', kind: 'int' },
  { key: 'api.corsOrigins', env: 'SALTMINE_CORS_ORIGINS', flag: 'cors', kind: 'list' },
  { key: 'api.readThreads', env: 'SALTMINE_API_READ_THREADS', kind: 'int' },
  { key: 'auth.clientId', env: 'SALTMINE_CLIENT_ID', flag: 'clientId', kind: 'nullableString' },
  // No flag for the secret: command lines are visible to every user of the machine (ps).
  { key: 'auth.clientSecret', env: 'SALTMINE_CLIENT_SECRET', kind: 'nullableString', secret: true },
  { key: 'auth.tokenFile', env: 'SALTMINE_TOKEN_FILE', flag: 'tokenFile', kind: 'string' },
  { key: 'auth.idUrl', env: 'SALTMINE_TWITCH_ID_URL', kind: 'string' },
  { key: 'auth.fallback', env: 'SALTMINE_AUTH_FALLBACK', kind: 'string' },
  { key: 'log.level', env: 'SALTMINE_LOG_LEVEL', flag: 'logLevel', kind: 'string' },
  { key: 'log.format', env: 'SALTMINE_LOG_FORMAT', kind: 'string' },
];

/** Environment variables read before the settings: where the files are. */
export const BOOTSTRAP_ENV = { config: 'SALTMINE_CONFIG', credentials: 'SALTMINE_CREDENTIALS_FILE' } as const;

/** Environment variables of the launcher (heap-cap.ts), read before any config: the heap cap, and "this is the child". */
export const LAUNCHER_ENV = { maxHeapMb: 'SALTMINE_MAX_HEAP_MB', child: 'SALTMINE_HEAP_CAPPED' } as const;

export function settingForKey(key: string): Setting | undefined {
  return SETTINGS.find((s) => s.key === key);
}

/** `--log-level` for the commander name `logLevel`. */
export function flagName(flag: string): string {
  return '--' + flag.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** Text → JSON value, or an explanation of why it is not one. */
export function parseSettingText(setting: Setting, text: string): { value: unknown } | { error: string } {
  const trimmed = text.trim();
  switch (setting.kind) {
    case 'string':
      return { value: trimmed };
    case 'nullableString':
      return { value: trimmed === '' ? null : trimmed };
    case 'int':
      // An empty variable (FOO= in a compose file) means "not set", like an empty string setting.
      if (trimmed === '') return { value: '' };
      if (!/^-?\d+$/.test(trimmed)) return { error: `expected an integer, got ${setting.secret ? 'a non-integer' : JSON.stringify(text)}` };
      return { value: Number(trimmed) };
    case 'list':
      return { value: trimmed.split(/[\s,]+/).filter((item) => item !== '') };
  }
}
