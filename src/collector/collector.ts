// The collector: a pool of Twitch IRC connections whose every received line goes straight into the batch
// writer (the store parses and types it where it writes it). Back-pressure: when the writer's queue is full
// the sockets stop being read until it drains. Channel states and gaps go to the store as they happen.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { IrcMessage } from '../irc/parse.js';
import type { Gap, Store } from '../store/store.js';
import type { BatchWriter } from '../store/writer.js';
import type { LineSink, LoginCredentials } from './connection.js';
import type { BackoffOptions, Rate } from './limits.js';
import { ConnectionPool, type ChannelStateName, type PoolGap } from './pool.js';
import { SendQueue } from './sender.js';
import { parseServerUrl, realTransports, type TransportFactory } from './transport.js';

export interface CollectorOptions {
  /** `ircs://irc.chat.twitch.tv:6697` (default), `irc://`, `wss://irc-ws.chat.twitch.tv`, `ws://`. */
  serverUrl: string;
  channels: string[];
  /** null: anonymous and read-only. A function is asked before each connect (token refresh). */
  login: LoginCredentials | null | (() => Promise<LoginCredentials | null>);
  channelsPerConnection: number;
  joinRate: Rate;
  sendRate: Rate;
  /** Account limit where we are moderator/VIP/broadcaster. */
  privilegedSendRate: Rate;
  sendRatePerChannel: Rate;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  connectTimeoutMs: number;
  reconnect: BackoffOptions;
  joinTimeoutMs: number;
  failedRetryMs: number;
  quitTimeoutMs: number;
  /** Twitch refused a login: resolve true when a new token makes one more attempt worthwhile. */
  onAuthFailure?: (rejected: LoginCredentials) => Promise<boolean>;
}

export const COLLECTOR_DEFAULTS: Omit<CollectorOptions, 'channels' | 'login'> = {
  serverUrl: 'ircs://irc.chat.twitch.tv:6697',
  channelsPerConnection: 50,
  joinRate: { limit: 20, windowMs: 10_000 },
  sendRate: { limit: 20, windowMs: 30_000 },
  privilegedSendRate: { limit: 100, windowMs: 30_000 },
  sendRatePerChannel: { limit: 1, windowMs: 1_000 },
  pingIntervalMs: 60_000,
  pongTimeoutMs: 10_000,
  connectTimeoutMs: 15_000,
  reconnect: { minMs: 1_000, maxMs: 60_000 },
  joinTimeoutMs: 15_000,
  failedRetryMs: 10 * 60_000,
  quitTimeoutMs: 5_000,
};

export interface CollectorStatus {
  connections: Array<{ id: number; state: string; nick: string; joined: number }>;
  channels: Record<ChannelStateName, number>;
  /** Lines per second over the last few seconds. */
  linesPerSecond: number;
  linesReceived: number;
  /** Lines received but not yet committed. */
  writerQueued: number;
  readingPaused: boolean;
  joinsQueued: number;
  sendQueued: number;
  lastGap: Gap | null;
}

export class NotJoinedError extends Error {}

/** All the collector itself asks of the store; lines go through the BatchWriter. */
export type CollectorStore = Pick<Store, 'recordGap' | 'setChannelState'>;

/** Events: 'fatal' (Error: reconnecting cannot help), 'gap' (Gap), 'channel' ({channel, state, detail}). */
export class Collector extends EventEmitter implements LineSink {
  private readonly pool: ConnectionPool;
  private readonly sender: SendQueue;
  private readonly anonymous: boolean;
  private linesReceived = 0;
  private readingPaused = false;
  private lastGap: Gap | null = null;
  private readonly rateSamples: number[] = [];
  private readonly rateTimer: NodeJS.Timeout;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly options: CollectorOptions,
    private readonly store: CollectorStore,
    private readonly writer: BatchWriter,
    private readonly log: Logger,
    transports: TransportFactory = realTransports(),
  ) {
    super();
    const login = options.login;
    this.anonymous = login === null;
    this.pool = new ConnectionPool(
      {
        url: parseServerUrl(options.serverUrl),
        login: typeof login === 'function' ? login : () => Promise.resolve(login),
        channelsPerConnection: options.channelsPerConnection,
        joinRate: options.joinRate,
        pingIntervalMs: options.pingIntervalMs,
        pongTimeoutMs: options.pongTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
        reconnect: options.reconnect,
        joinTimeoutMs: options.joinTimeoutMs,
        failedRetryMs: options.failedRetryMs,
        quitTimeoutMs: options.quitTimeoutMs,
        ...(options.onAuthFailure ? { onAuthFailure: options.onAuthFailure } : {}),
      },
      transports,
      this,
      {
        channelState: (channel, state, detail) => this.channelState(channel, state, detail),
        gap: (gap) => this.gap(gap),
        fatal: (error) => this.emit('fatal', error),
        userstate: (channel, message) => this.userstate(channel, message),
      },
      log,
    );
    this.sender = new SendQueue(
      { rate: options.sendRate, privilegedRate: options.privilegedSendRate, perChannelRate: options.sendRatePerChannel, maxQueued: 100 },
      (channel, text) => {
        const conn = this.pool.connectionFor(channel);
        if (conn === null) return false;
        conn.send(`PRIVMSG ${channel} :${text}`);
        return true;
      },
    );
    writer.on('drain', this.resumeReading);
    this.rateTimer = setInterval(() => {
      this.rateSamples.push(this.linesReceived);
      if (this.rateSamples.length > 6) this.rateSamples.shift();
    }, 1000);
  }

  /** Opens the connections for the configured channels. */
  start(): void {
    for (const channel of this.options.channels) this.join(channel);
  }

  /** The hot path: every line from every connection. */
  onLine(line: string, receivedMs: number): void {
    this.linesReceived++;
    if (!this.writer.push({ line, receivedMs }) && !this.readingPaused) {
      this.readingPaused = true;
      this.pool.pause();
      this.log.debug({ queued: this.writer.queued }, 'writer queue full: pausing the sockets');
    }
  }

  private readonly resumeReading = (): void => {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.pool.resume();
  };

  /** Adds a channel (`#` optional). Returns the normalized name. */
  join(channel: string): string {
    const name = normalizeChannelName(channel);
    this.pool.add(name);
    return name;
  }

  part(channel: string): string {
    const name = normalizeChannelName(channel);
    this.pool.remove(name);
    return name;
  }

  /** Sends or queues a chat message: 0 = sent now, else its place in the queue. Throws when anonymous or not in that channel. */
  say(channel: string, text: string): number {
    if (this.anonymous) throw new Error('cannot send: logged in anonymously (read-only); configure a Twitch token to send messages');
    const name = normalizeChannelName(channel);
    if (!this.pool.channelStates().some((c) => c.channel === name)) throw new NotJoinedError(`cannot send to ${name}: not joined (use: join ${name})`);
    const clean = text.replace(/[\r\n]+/g, ' ').trim();
    if (clean === '') throw new Error('cannot send an empty message');
    return this.sender.enqueue(name, clean);
  }

  status(): CollectorStatus {
    const channels: Record<ChannelStateName, number> = { joining: 0, joined: 0, failed: 0, parted: 0 };
    for (const c of this.pool.channelStates()) channels[c.state]++;
    const samples = this.rateSamples;
    const linesPerSecond = samples.length < 2 ? 0 : (samples[samples.length - 1]! - samples[0]!) / (samples.length - 1);
    return {
      connections: this.pool.connections().map((c) => ({ id: c.id, state: c.state, nick: c.nick, joined: c.joined.size })),
      channels,
      linesPerSecond: Math.round(linesPerSecond),
      linesReceived: this.linesReceived,
      writerQueued: this.writer.queued,
      readingPaused: this.readingPaused,
      joinsQueued: this.pool.joinsQueued,
      sendQueued: this.sender.queued,
      lastGap: this.lastGap,
    };
  }

  channelStates(): Array<{ channel: string; state: ChannelStateName; sinceMs: number }> {
    return this.pool.channelStates();
  }

  /** QUITs every connection, reading what is still in flight; the writer and store stay open (their owner closes them). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.rateTimer);
      this.sender.stop();
      // Keep reading while leaving: paused sockets could not see the server's goodbye.
      this.resumeReading();
      await this.pool.stop();
      this.writer.off('drain', this.resumeReading);
    })();
    return this.stopping;
  }

  private channelState(channel: string, state: ChannelStateName, detail: string | null): void {
    this.emit('channel', { channel, state, detail });
    this.store.setChannelState({ channel, state, detail, updatedMs: Date.now() }).catch((err: unknown) => {
      this.log.error({ err, channel, state }, 'could not store the channel state');
    });
  }

  private gap(gap: PoolGap): void {
    this.lastGap = gap;
    this.log.warn({ startMs: gap.startMs, endMs: gap.endMs, ms: gap.endMs - gap.startMs, channels: gap.channels.length, reason: gap.reason }, 'gap recorded');
    this.emit('gap', gap);
    this.store.recordGap(gap).catch((err: unknown) => {
      this.log.error({ err, gap }, 'could not store the gap');
    });
  }

  private userstate(channel: string, message: IrcMessage): void {
    const badges = message.tags['badges'] ?? '';
    const privileged = message.tags['mod'] === '1' || /(^|,)(broadcaster|moderator|vip)\//.test(badges);
    this.sender.setPrivileged(channel, privileged);
  }
}

/** `Foo` / `#Foo` → `#foo`; throws naming the text when it is not a Twitch channel name. */
export function normalizeChannelName(channel: string): string {
  const trimmed = channel.trim().toLowerCase();
  const name = trimmed.startsWith('#') ? trimmed : '#' + trimmed;
  if (!/^#[a-z0-9_]{1,25}$/.test(name)) throw new Error(`invalid channel name ${JSON.stringify(channel)}: letters, digits and _ (1 to 25), optional #`);
  return name;
}
