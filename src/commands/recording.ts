// The recording supervisor shared by `collect`, `run` and `demo`: store → writer → token → collector
// (→ console when stdin is a terminal), then waits for SIGINT/SIGTERM, `quit` or a fatal error, and stops
// in order: collector (QUIT, reading what is still in flight) → writer drain → store close.
import type { Logger } from 'pino';
import type { SaltmineConfig } from '../config.js';
import { TokenManager } from '../auth/token-manager.js';
import { AuthError } from '../auth/errors.js';
import { Collector, COLLECTOR_DEFAULTS, type CollectorOptions } from '../collector/collector.js';
import type { LoginCredentials } from '../collector/connection.js';
import { startConsole } from '../collector/console.js';
import { AuthFailure } from '../collector/pool.js';
import { SqliteStoreError } from '../store/sqlite/sqlite-store.js';
import { ThreadedSqliteStore } from '../store/sqlite/threaded-store.js';
import { BatchWriter } from '../store/writer.js';
import { CliError } from './errors.js';

export interface RecordingOptions {
  config: Readonly<SaltmineConfig>;
  /** The server to connect to (the config's irc.serverUrl unless a flag says otherwise). */
  serverUrl: string;
  log: Logger;
  /** Collector settings the config does not carry (the demo's short intervals, tests). */
  collector?: Partial<CollectorOptions>;
  /** Interactive console: default when stdin is a terminal. */
  console?: boolean;
  /** Skip the Twitch token (the demo records anonymously from the local simulator). */
  anonymous?: boolean;
}

/** How long stopping may take before giving up on the unflushed rest (longer than a write retry). */
const STOP_DEADLINE_MS = 30_000;

export class Recording {
  private finished!: (outcome: { exitCode: number; message: string | null }) => void;
  /** Resolves when the recording should stop: a signal, `quit`, or a fatal error. */
  readonly ended = new Promise<{ exitCode: number; message: string | null }>((resolve) => {
    this.finished = resolve;
  });
  private consoleHandle: { close(): void } | null = null;
  /** Parts started after the collector that read the store (the API); stopped first. */
  private readonly attached: Array<{ close(): Promise<void> }> = [];
  private readonly signalHandler = (signal: NodeJS.Signals): void => {
    this.options.log.info({ signal }, 'stopping');
    this.finished({ exitCode: 0, message: null });
  };

  private constructor(
    private readonly options: RecordingOptions,
    readonly store: ThreadedSqliteStore,
    readonly writer: BatchWriter,
    readonly collector: Collector,
    private readonly tokens: TokenManager | null,
  ) {}

  static async start(options: RecordingOptions): Promise<Recording> {
    const { config, log } = options;
    let store: ThreadedSqliteStore;
    try {
      store = await ThreadedSqliteStore.open(config.database.path);
    } catch (err) {
      if (err instanceof SqliteStoreError) throw new CliError(err.message, 1);
      throw err;
    }
    const writer = new BatchWriter(store, { maxBatch: config.writer.batchSize, flushIntervalMs: config.writer.flushIntervalMs, highWaterMark: config.writer.highWaterMark }, log);
    writer.on('error', () => undefined); // logged by the writer, which retries the batch
    let tokens: TokenManager | null = null;
    let login: CollectorOptions['login'] = null;
    let onAuthFailure: CollectorOptions['onAuthFailure'];
    if (!options.anonymous) {
      tokens = TokenManager.fromConfig(config, log);
      let mode: string;
      let tokenLogin: string | null;
      try {
        ({ mode, login: tokenLogin } = await tokens.start());
      } catch (err) {
        await store.close();
        if (err instanceof AuthError) throw new CliError(err.message, 3);
        throw err;
      }
      if (mode === 'user') {
        const nick = config.nickname ?? tokenLogin;
        if (nick === null) {
          tokens.stop();
          await store.close();
          throw new CliError('the Twitch token does not say which login it belongs to: set "nickname" in config/config.json (or --nickname)', 2);
        }
        const manager = tokens;
        login = async (): Promise<LoginCredentials | null> => {
          const token = await manager.getToken();
          return token === null ? null : { nick, token };
        };
        onAuthFailure = async (rejected) => {
          const fresh = await manager.handleAuthFailure(rejected.token);
          return fresh !== null && fresh !== rejected.token;
        };
      }
    }
    const collector = new Collector(
      {
        ...COLLECTOR_DEFAULTS,
        serverUrl: options.serverUrl,
        channels: [...config.channels],
        login,
        channelsPerConnection: config.irc.channelsPerConnection,
        joinRate: { ...config.irc.joinRate },
        sendRate: { ...config.irc.sendRate },
        sendRatePerChannel: { ...config.irc.sendRatePerChannel },
        pingIntervalMs: config.irc.pingIntervalMs,
        pongTimeoutMs: config.irc.pongTimeoutMs,
        reconnect: { ...config.irc.reconnect },
        ...(onAuthFailure ? { onAuthFailure } : {}),
        ...options.collector,
      },
      store,
      writer,
      log,
    );
    const recording = new Recording(options, store, writer, collector, tokens);
    collector.on('fatal', (err: Error) => {
      const exitCode = err instanceof AuthFailure ? 3 : 1;
      const hint = err instanceof AuthFailure ? ' (check the token: `saltmine auth login`)' : '';
      recording.finished({ exitCode, message: err.message + hint });
    });
    tokens?.on('lost', ({ reason, fallback }) => {
      if (fallback === 'stop') recording.finished({ exitCode: 3, message: `the Twitch token is lost (${reason}) and auth.fallback is "stop"` });
    });
    process.on('SIGINT', recording.signalHandler);
    process.on('SIGTERM', recording.signalHandler);
    if (config.channels.length === 0) log.warn('no channels configured: add some to config/config.json, --channels, or type `join <channel>`');
    log.info({ server: options.serverUrl, channels: config.channels.length, db: config.database.path, anonymous: login === null }, 'recording');
    collector.start();
    if (options.console ?? process.stdin.isTTY === true) {
      recording.consoleHandle = startConsole(collector, process.stdin, process.stdout, () => recording.finished({ exitCode: 0, message: null }));
    }
    return recording;
  }

  /** Something to stop before the collector (the API). */
  attach(part: { close(): Promise<void> }): void {
    this.attached.push(part);
  }

  /** Ends the recording from outside (the demo's own stop). */
  finish(exitCode: number, message: string | null): void {
    this.finished({ exitCode, message });
  }

  /** Stops in order. Rejects with CliError when the deadline passes. */
  async stop(): Promise<void> {
    process.off('SIGINT', this.signalHandler);
    process.off('SIGTERM', this.signalHandler);
    this.consoleHandle?.close();
    for (const part of this.attached.splice(0).reverse()) {
      try {
        await part.close();
      } catch (err) {
        this.options.log.error({ err }, 'stopping a part failed; going on with the shutdown');
      }
    }
    this.tokens?.stop();
    let deadline: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new CliError(`could not stop within ${STOP_DEADLINE_MS / 1000} s; ${this.writer.queued} received lines were not written`, 1)), STOP_DEADLINE_MS);
    });
    try {
      await Promise.race([
        (async () => {
          await this.collector.stop();
          await this.writer.close();
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(deadline);
      await this.store.close();
    }
    const t = this.writer.totals;
    this.options.log.info({ lines: t.lines, duplicates: t.duplicates, malformed: t.malformed, rows: t.rows }, 'stopped; everything received is written');
  }
}
