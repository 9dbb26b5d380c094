// The connection pool: channels are spread over connections of at most N channels each; every JOIN
// passes the account-wide JoinScheduler; a connection that dies is replaced after a back-off and its
// channels rejoined; on RECONNECT the new connection is opened and joined before the old one is let go
// (the overlap is deduplicated by message id in the store). The time a channel was not covered by any
// joined connection is reported as a gap.
import type { Logger } from 'pino';
import type { IrcMessage } from '../irc/parse.js';
import { IrcConnection, type CloseInfo, type ConnectionEvents, type LineSink, type LoginCredentials } from './connection.js';
import { JoinScheduler } from './joins.js';
import { backoffDelay, type BackoffOptions, type Rate } from './limits.js';
import type { ServerUrl, TransportFactory } from './transport.js';

export type ChannelStateName = 'joining' | 'joined' | 'failed' | 'parted';

export interface PoolOptions {
  url: ServerUrl;
  /** Asked before each connection attempt (a refreshed token is picked up); null = anonymous. */
  login: () => Promise<LoginCredentials | null>;
  channelsPerConnection: number;
  joinRate: Rate;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  connectTimeoutMs: number;
  reconnect: BackoffOptions;
  /** A JOIN unanswered this long is sent again (Twitch drops JOINs above its rate limit without a word). */
  joinTimeoutMs: number;
  /** A refused channel (suspended, banned) is tried again after this long. */
  failedRetryMs: number;
  /** How long an orderly QUIT may take before the socket is cut. */
  quitTimeoutMs: number;
  /**
   * Twitch refused a login: resolve true when a different token is now available (refreshed) and one more
   * attempt makes sense. Absent or false: the refusal is fatal. Never a loop: one retry per new token.
   */
  onAuthFailure?: (rejected: LoginCredentials) => Promise<boolean>;
}

export interface PoolGap {
  startMs: number;
  endMs: number;
  channels: string[];
  reason: string;
}

export interface PoolEvents {
  channelState(channel: string, state: ChannelStateName, detail: string | null): void;
  gap(gap: PoolGap): void;
  /** Reconnecting cannot help (login refused): the owner should stop. */
  fatal(error: Error): void;
  userstate(channel: string, message: IrcMessage): void;
}

export class AuthFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthFailure';
  }
}

interface Slot {
  id: number;
  channels: Set<string>;
  conn: IrcConnection | null;
  /** The connection being brought up after RECONNECT, before `conn` is let go. */
  replacement: IrcConnection | null;
  attempts: number;
  retryTimer: NodeJS.Timeout | null;
  gap: { startMs: number; channels: Set<string>; reason: string } | null;
}

interface ChannelRecord {
  slot: Slot;
  state: ChannelStateName;
  sinceMs: number;
}

/** A connection that stayed up this long resets the back-off. */
const STABLE_MS = 30_000;

export class ConnectionPool implements ConnectionEvents {
  private readonly slots: Slot[] = [];
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly slotOf = new Map<IrcConnection, Slot>();
  private readonly joins: JoinScheduler;
  private readonly recheckTimer: NodeJS.Timeout;
  private nextSlotId = 1;
  private paused = false;
  private stopped = false;

  constructor(
    private readonly options: PoolOptions,
    private readonly transports: TransportFactory,
    private readonly sink: LineSink,
    private readonly events: PoolEvents,
    private readonly log: Logger,
  ) {
    this.joins = new JoinScheduler(options.joinRate);
    this.recheckTimer = setInterval(() => this.recheck(), Math.max(50, Math.min(options.joinTimeoutMs, options.failedRetryMs) / 4));
  }

  // ---- channels ----

  add(channel: string): void {
    if (this.stopped || this.channels.has(channel)) return;
    let slot = this.slots.find((s) => s.channels.size < this.options.channelsPerConnection);
    if (slot === undefined) {
      slot = { id: this.nextSlotId++, channels: new Set(), conn: null, replacement: null, attempts: 0, retryTimer: null, gap: null };
      this.slots.push(slot);
      void this.connect(slot, false);
    }
    slot.channels.add(channel);
    this.setState(channel, slot, 'joining', null);
    if (slot.conn?.state === 'ready') this.joins.enqueue(slot.conn, channel);
    if (slot.replacement?.state === 'ready') this.joins.enqueue(slot.replacement, channel);
  }

  remove(channel: string): void {
    const record = this.channels.get(channel);
    if (record === undefined) return;
    const slot = record.slot;
    slot.channels.delete(channel);
    slot.gap?.channels.delete(channel);
    this.channels.delete(channel);
    this.joins.cancel(channel);
    for (const conn of [slot.conn, slot.replacement]) {
      if (conn !== null && (conn.joined.has(channel) || conn.joinRequested.has(channel))) conn.part([channel]);
    }
    this.events.channelState(channel, 'parted', null);
    this.closeGapIfCovered(slot);
    if (slot.channels.size === 0) this.retire(slot);
  }

  channelStates(): Array<{ channel: string; state: ChannelStateName; sinceMs: number }> {
    return [...this.channels].map(([channel, r]) => ({ channel, state: r.state, sinceMs: r.sinceMs }));
  }

  /** The ready connection a channel is joined on (for sending), or null. */
  connectionFor(channel: string): IrcConnection | null {
    const slot = this.channels.get(channel)?.slot;
    if (slot === undefined) return null;
    for (const conn of [slot.conn, slot.replacement]) if (conn?.state === 'ready' && conn.joined.has(channel)) return conn;
    return null;
  }

  connections(): IrcConnection[] {
    return [...this.slotOf.keys()];
  }

  get joinsQueued(): number {
    return this.joins.queued;
  }

  // ---- back-pressure and shutdown ----

  pause(): void {
    this.paused = true;
    for (const conn of this.slotOf.keys()) conn.pause();
  }

  resume(): void {
    this.paused = false;
    for (const conn of this.slotOf.keys()) conn.resume();
  }

  /** QUITs every connection and waits until each has closed (what they still send is read). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.recheckTimer);
    this.joins.stop();
    const now = Date.now();
    for (const slot of this.slots) {
      if (slot.retryTimer !== null) clearTimeout(slot.retryTimer);
      if (slot.gap !== null) this.emitGap(slot, now, '; the collector stopped before the channels were rejoined');
    }
    await Promise.all([...this.slotOf.keys()].map((conn) => conn.quit(this.options.quitTimeoutMs, 'collector stopping')));
  }

  // ---- connections ----

  private async connect(slot: Slot, replacement: boolean): Promise<void> {
    slot.retryTimer = null;
    let login: LoginCredentials | null;
    try {
      login = await this.options.login();
    } catch (err) {
      this.events.fatal(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (this.stopped || !this.slots.includes(slot)) return;
    const conn = new IrcConnection(
      { url: this.options.url, login, pingIntervalMs: this.options.pingIntervalMs, pongTimeoutMs: this.options.pongTimeoutMs, connectTimeoutMs: this.options.connectTimeoutMs },
      this.transports(this.options.url),
      this.sink,
      this,
      this.log,
    );
    this.slotOf.set(conn, slot);
    if (replacement) slot.replacement = conn;
    else slot.conn = conn;
    this.log.info({ conn: conn.id, slot: slot.id, url: this.options.url.href, nick: conn.nick, channels: slot.channels.size, replacement }, 'connecting');
    conn.open();
  }

  private scheduleReconnect(slot: Slot): void {
    if (this.stopped || slot.retryTimer !== null || slot.channels.size === 0) return;
    const delay = backoffDelay(slot.attempts++, this.options.reconnect);
    this.log.info({ slot: slot.id, delayMs: delay, attempt: slot.attempts }, 'reconnecting after back-off');
    slot.retryTimer = setTimeout(() => void this.connect(slot, false), delay);
  }

  /** A slot without channels: its connections say goodbye. */
  private retire(slot: Slot): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    if (slot.retryTimer !== null) clearTimeout(slot.retryTimer);
    for (const conn of [slot.conn, slot.replacement]) if (conn !== null) void conn.quit(this.options.quitTimeoutMs, 'no channels left');
    slot.conn = slot.replacement = null;
  }

  // ---- ConnectionEvents ----

  onRegistered(conn: IrcConnection): void {
    const slot = this.slotOf.get(conn);
    if (slot === undefined) return;
    if (this.paused) conn.pause();
    this.log.info({ conn: conn.id, slot: slot.id, nick: conn.nick }, 'logged in');
    for (const channel of slot.channels) {
      const state = this.channels.get(channel)?.state;
      // After RECONNECT the new connection joins everything the old one has, refused channels aside.
      if (state !== 'failed') this.joins.enqueue(conn, channel);
    }
    this.joins.flush();
  }

  onJoined(conn: IrcConnection, channel: string): void {
    const slot = this.slotOf.get(conn);
    const record = this.channels.get(channel);
    if (slot === undefined) return;
    if (record === undefined || record.slot !== slot) {
      conn.part([channel]); // parted meanwhile
      return;
    }
    if (record.state !== 'joined') this.setState(channel, slot, 'joined', null);
    this.closeGapIfCovered(slot);
    this.promoteReplacementIfReady(slot);
  }

  onJoinFailed(conn: IrcConnection, channel: string, reason: string): void {
    const slot = this.slotOf.get(conn);
    const record = this.channels.get(channel);
    if (slot === undefined || record === undefined || record.slot !== slot) return;
    this.log.warn({ conn: conn.id, channel, reason }, 'Twitch refused to join the channel');
    this.setState(channel, slot, 'failed', reason);
    this.closeGapIfCovered(slot);
    this.promoteReplacementIfReady(slot);
  }

  onParted(conn: IrcConnection, channel: string): void {
    const slot = this.slotOf.get(conn);
    const record = this.channels.get(channel);
    if (slot === undefined || record === undefined || record.slot !== slot) return;
    // Not asked for: Twitch parts a bot that gets banned.
    this.log.warn({ conn: conn.id, channel }, 'Twitch parted us from the channel');
    this.setState(channel, slot, 'failed', 'parted by Twitch');
  }

  onUserstate(_conn: IrcConnection, channel: string, message: IrcMessage): void {
    this.events.userstate(channel, message);
  }

  onReconnectRequested(conn: IrcConnection): void {
    const slot = this.slotOf.get(conn);
    if (slot === undefined || this.stopped || slot.conn !== conn || slot.replacement !== null) return;
    this.log.info({ conn: conn.id, slot: slot.id }, 'Twitch asked us to reconnect: opening the new connection before leaving the old one');
    void this.connect(slot, true);
  }

  onClosed(conn: IrcConnection, info: CloseInfo): void {
    const slot = this.slotOf.get(conn);
    this.slotOf.delete(conn);
    if (slot === undefined) return;
    if (info.authFailure) {
      this.log.error({ conn: conn.id, reason: info.message }, 'login refused');
      void this.afterAuthFailure(slot, conn, info.message);
      return;
    }
    if (this.stopped) return;
    if (conn.openedMs + STABLE_MS <= Date.now() && conn.joined.size > 0) slot.attempts = 0;
    if (conn === slot.replacement) {
      slot.replacement = null;
      this.log.warn({ conn: conn.id, reason: info.message }, 'replacement connection closed');
      if (slot.conn === null) this.scheduleReconnect(slot);
      return;
    }
    if (conn !== slot.conn) return; // a connection we let go
    const lost = [...conn.joined].filter((c) => slot.channels.has(c));
    this.log.warn({ conn: conn.id, slot: slot.id, reason: info.message, channels: lost.length }, 'connection closed');
    slot.conn = slot.replacement;
    slot.replacement = null;
    const uncovered = lost.filter((c) => slot.conn === null || !slot.conn.joined.has(c));
    if (uncovered.length > 0) {
      if (slot.gap === null) slot.gap = { startMs: conn.lastReceivedMs, channels: new Set(), reason: info.message };
      for (const channel of uncovered) {
        slot.gap.channels.add(channel);
        this.setState(channel, slot, 'joining', info.message);
      }
    }
    if (slot.conn === null) this.scheduleReconnect(slot);
  }

  private async afterAuthFailure(slot: Slot, conn: IrcConnection, message: string): Promise<void> {
    if (slot.conn === conn) slot.conn = null;
    if (slot.replacement === conn) slot.replacement = null;
    let retry = false;
    try {
      retry = conn.login !== null && this.options.onAuthFailure !== undefined && (await this.options.onAuthFailure(conn.login));
    } catch (err) {
      this.log.error({ err }, 'could not get a new token after the login was refused');
    }
    if (this.stopped) return;
    if (!retry) {
      this.events.fatal(new AuthFailure(message));
      return;
    }
    this.log.warn({ slot: slot.id }, 'login refused; trying once more with the refreshed token');
    if (slot.conn === null) this.scheduleReconnect(slot);
  }

  // ---- bookkeeping ----

  private setState(channel: string, slot: Slot, state: ChannelStateName, detail: string | null): void {
    const record = this.channels.get(channel);
    if (record === undefined) this.channels.set(channel, { slot, state, sinceMs: Date.now() });
    else {
      record.state = state;
      record.sinceMs = Date.now();
    }
    this.events.channelState(channel, state, detail);
  }

  private promoteReplacementIfReady(slot: Slot): void {
    const next = slot.replacement;
    if (next === null || next.state !== 'ready') return;
    for (const channel of slot.channels) if (!next.joined.has(channel) && this.channels.get(channel)?.state !== 'failed') return;
    const old = slot.conn;
    slot.conn = next;
    slot.replacement = null;
    slot.attempts = 0;
    this.log.info({ old: old?.id, conn: next.id, slot: slot.id }, 'new connection has every channel: leaving the old one');
    if (old !== null) void old.quit(this.options.quitTimeoutMs, 'replaced after RECONNECT');
  }

  private closeGapIfCovered(slot: Slot): void {
    const gap = slot.gap;
    if (gap === null) return;
    for (const channel of gap.channels) {
      const state = this.channels.get(channel)?.state;
      if (state === 'joining') return;
    }
    this.emitGap(slot, Date.now(), '');
  }

  private emitGap(slot: Slot, endMs: number, note: string): void {
    const gap = slot.gap!;
    slot.gap = null;
    if (gap.channels.size === 0) return;
    this.events.gap({ startMs: gap.startMs, endMs, channels: [...gap.channels].sort(), reason: gap.reason + note });
  }

  /** JOINs left unanswered are sent again; refused channels are tried again after a while. */
  private recheck(): void {
    const now = Date.now();
    for (const slot of this.slots) {
      for (const conn of [slot.conn, slot.replacement]) {
        if (conn === null || conn.state !== 'ready') continue;
        for (const channel of slot.channels) {
          if (conn.joined.has(channel) || this.joins.isQueued(conn, channel)) continue;
          const record = this.channels.get(channel)!;
          const sent = conn.joinRequested.get(channel);
          if (record.state === 'failed') {
            if (now - record.sinceMs < this.options.failedRetryMs || sent !== undefined) continue;
            this.setState(channel, slot, 'joining', 'retrying a refused channel');
          } else if (sent !== undefined && now - sent < this.options.joinTimeoutMs) continue;
          else if (sent !== undefined) this.log.warn({ conn: conn.id, channel }, 'JOIN unanswered; sending it again');
          this.joins.enqueue(conn, channel);
        }
      }
    }
  }
}
