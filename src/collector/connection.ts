// One IRC connection to Twitch: login (anonymous justinfan or PASS oauth:), capabilities, our own
// PING for liveness, and the events the pool needs (registered, joined, failed join, RECONNECT, closed).
// Every received line, whatever it is, goes to the sink first: the connection only watches them.
import type { Logger } from 'pino';
import { LineSplitter } from '../irc/lines.js';
import { isPrivmsg, parseLine, type IrcMessage } from '../irc/parse.js';
import type { ServerUrl, Transport, TransportHandler } from './transport.js';

export const CAPABILITIES = 'twitch.tv/tags twitch.tv/commands twitch.tv/membership';

/** A user login; the token without its `oauth:` prefix. */
export interface LoginCredentials {
  nick: string;
  token: string;
}

export interface ConnectionOptions {
  url: ServerUrl;
  /** null: anonymous, read-only (`justinfan<random>`). */
  login: LoginCredentials | null;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** From connect to 001 (Welcome); longer means a dead or unwilling server. */
  connectTimeoutMs: number;
}

/** The hot path: every line received, as soon as it is framed, as it came (without its CRLF). */
export interface LineSink {
  onLine(line: string, receivedMs: number): void;
}

export interface CloseInfo {
  message: string;
  /** Twitch refused the login (`NOTICE *` before 001): reconnecting would not help. */
  authFailure: boolean;
  /** We closed it (quit, replaced, ping timeout...). */
  byUs: boolean;
}

export interface ConnectionEvents {
  onRegistered(conn: IrcConnection): void;
  onJoined(conn: IrcConnection, channel: string): void;
  onJoinFailed(conn: IrcConnection, channel: string, reason: string): void;
  onParted(conn: IrcConnection, channel: string): void;
  /** USERSTATE for a channel: tells whether we are moderator/VIP/broadcaster there (send limits). */
  onUserstate(conn: IrcConnection, channel: string, message: IrcMessage): void;
  onReconnectRequested(conn: IrcConnection): void;
  onClosed(conn: IrcConnection, info: CloseInfo): void;
}

export type ConnectionState = 'connecting' | 'registering' | 'ready' | 'quitting' | 'closed';

/** NOTICE msg-ids that answer a JOIN with "no". */
const JOIN_REFUSALS = new Set(['msg_channel_suspended', 'msg_channel_blocked', 'tos_ban', 'msg_banned']);

/** Twitch's own lines are capped near 512 bytes; batched JOINs stay under that. */
const MAX_COMMAND_LENGTH = 500;

let nextConnectionId = 1;

export class IrcConnection implements TransportHandler {
  readonly id = nextConnectionId++;
  readonly nick: string;
  state: ConnectionState = 'connecting';
  /** Channels whose JOIN Twitch has confirmed on this connection. */
  readonly joined = new Set<string>();
  /** Channels whose JOIN went out and is not answered yet, with the time it went out. */
  readonly joinRequested = new Map<string, number>();
  readonly openedMs = Date.now();
  lastReceivedMs = Date.now();
  private readonly splitter = new LineSplitter();
  private paused = false;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private pingSentMs = 0;
  private closeInfo: CloseInfo | null = null;
  private readonly closeWaiters: Array<() => void> = [];

  constructor(
    private readonly options: ConnectionOptions,
    private readonly transport: Transport,
    private readonly sink: LineSink,
    private readonly events: ConnectionEvents,
    private readonly log: Logger,
  ) {
    this.nick = options.login ? options.login.nick.toLowerCase() : `justinfan${1000 + Math.floor(Math.random() * 80_000)}`;
  }

  get anonymous(): boolean {
    return this.options.login === null;
  }

  /** The login this connection used (null: anonymous). */
  get login(): LoginCredentials | null {
    return this.options.login;
  }

  open(): void {
    this.connectTimer = setTimeout(() => this.destroy(`no welcome from ${this.options.url.href} within ${this.options.connectTimeoutMs} ms`), this.options.connectTimeoutMs);
    this.transport.connect(this);
  }

  // ---- TransportHandler ----

  onOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'registering';
    // CAP REQ first, then PASS before NICK (Twitch requires that order).
    let text = `CAP REQ :${CAPABILITIES}\r\n`;
    if (this.options.login) text += `PASS oauth:${this.options.login.token}\r\n`;
    text += `NICK ${this.nick}\r\n`;
    this.transport.write(text);
    this.log.debug({ conn: this.id, nick: this.nick }, 'connected, logging in');
  }

  onData(chunk: Buffer | string): void {
    const receivedMs = Date.now();
    this.lastReceivedMs = receivedMs;
    const lines = this.splitter.push(chunk);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      this.sink.onLine(line, receivedMs);
      // Chat needs nothing from this thread: it is parsed where it is stored.
      if (!isPrivmsg(line)) this.watch(parseLine(line));
    }
  }

  onClose(error: Error | null): void {
    const rest = this.splitter.end();
    // The unterminated rest arrived with the last chunk, not now.
    if (rest !== null) this.sink.onLine(rest, this.lastReceivedMs);
    this.state = 'closed';
    this.clearTimers();
    const info = this.closeInfo ?? { message: error ? `connection error: ${error.message}` : 'server closed the connection', authFailure: false, byUs: false };
    // The pool reads `joined` to know which channels just lost their connection.
    this.events.onClosed(this, info);
    this.joined.clear();
    this.joinRequested.clear();
    for (const waiter of this.closeWaiters.splice(0)) waiter();
  }

  // ---- commands ----

  /** Sends one raw line (CRLF added). */
  send(line: string): void {
    if (this.state === 'closed' || this.state === 'connecting') return;
    this.transport.write(line + '\r\n');
  }

  /** JOINs the channels in as few lines as fit (`JOIN #a,#b,...`). Rate limiting is the caller's job. */
  join(channels: readonly string[]): void {
    const now = Date.now();
    for (const channel of channels) this.joinRequested.set(channel, now);
    for (const line of batchCommand('JOIN', channels)) this.send(line);
  }

  part(channels: readonly string[]): void {
    for (const line of batchCommand('PART', channels)) this.send(line);
    for (const channel of channels) {
      this.joined.delete(channel);
      this.joinRequested.delete(channel);
    }
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.transport.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.transport.resume();
  }

  /** Orderly goodbye: QUIT, then keep reading until the server closes (nothing it sent is lost). */
  quit(timeoutMs: number, why = 'quit'): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.state !== 'quitting') {
      this.closeInfo ??= { message: why, authFailure: false, byUs: true };
      const wasConnecting = this.state === 'connecting';
      this.state = 'quitting';
      this.clearTimers();
      if (wasConnecting) this.transport.destroy();
      else {
        this.transport.write('QUIT\r\n');
        this.resume();
        this.connectTimer = setTimeout(() => this.transport.destroy(), timeoutMs);
      }
    }
    return done;
  }

  /** Closes at once (dead connection); unread data is lost. */
  destroy(why: string): void {
    if (this.state === 'closed') return;
    this.closeInfo ??= { message: why, authFailure: false, byUs: true };
    this.transport.destroy();
  }

  // ---- watching the lines ----

  private watch(m: IrcMessage): void {
    switch (m.command) {
      case 'PING':
        this.send(m.params.length > 0 ? `PONG :${m.params[m.params.length - 1]}` : 'PONG');
        return;
      case 'PONG':
        return this.ponged();
      case '001':
        return this.registered();
      case 'CAP':
        if (m.params[1] === 'NAK') this.log.error({ conn: this.id, refused: m.params[2] }, 'Twitch refused capabilities; tags or commands may be missing from what is recorded');
        return;
      case 'JOIN':
      case 'PART':
      {
        if (m.prefix?.nick?.toLowerCase() !== this.nick || m.params[0] === undefined) return;
        const channel = m.params[0].toLowerCase();
        this.joinRequested.delete(channel);
        if (m.command === 'JOIN') {
          this.joined.add(channel);
          this.events.onJoined(this, channel);
        } else {
          this.joined.delete(channel);
          this.events.onParted(this, channel);
        }
        return;
      }
      case 'NOTICE':
        return this.notice(m);
      case 'USERSTATE':
        if (m.params[0] !== undefined) this.events.onUserstate(this, m.params[0].toLowerCase(), m);
        return;
      case 'RECONNECT':
        this.events.onReconnectRequested(this);
        return;
      default:
    }
  }

  private notice(m: IrcMessage): void {
    const target = m.params[0];
    if (target === '*' && this.state === 'registering') {
      // Twitch's answer to a bad login, then it closes. Say what it said; never reconnect on it.
      const text = m.params[m.params.length - 1] ?? '';
      this.closeInfo = { message: `Twitch refused the login of ${this.nick}: ${JSON.stringify(text)}`, authFailure: true, byUs: false };
      this.destroy(this.closeInfo.message);
      return;
    }
    const msgId = m.tags['msg-id'];
    if (target === undefined || target === '*' || msgId === undefined || !JOIN_REFUSALS.has(msgId)) return;
    const channel = target.toLowerCase();
    if (this.joined.has(channel)) return;
    this.joinRequested.delete(channel);
    this.events.onJoinFailed(this, channel, msgId);
  }

  private registered(): void {
    if (this.state !== 'registering') return;
    this.state = 'ready';
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.pingTimer = setInterval(() => this.ping(), this.options.pingIntervalMs);
    this.events.onRegistered(this);
  }

  /** The answer to our PING: its timer must go too, or it would later judge the next PING by this one's deadline. */
  private ponged(): void {
    this.pingSentMs = 0;
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private ping(): void {
    if (this.paused || this.pingSentMs !== 0) return;
    this.pingSentMs = Date.now();
    this.send(`PING :saltmine-${this.pingSentMs}`);
    this.pongTimer = setTimeout(() => {
      this.pongTimer = null;
      // Timers run before the event loop reads sockets: after a stall (a long batch, a loaded machine)
      // the PONG may be waiting unread. setImmediate judges after the next round of reading.
      setImmediate(this.judgePong);
    }, this.options.pongTimeoutMs);
  }

  private readonly judgePong = (): void => {
    if (this.state !== 'ready') return; // quitting or closed meanwhile
    // Reading paused for back-pressure: the PONG may sit unread in our own buffer.
    // Any line after the PING also proves the server is there.
    if (this.pingSentMs === 0 || this.paused || this.lastReceivedMs >= this.pingSentMs) {
      this.pingSentMs = 0;
      return;
    }
    this.destroy(`no PONG within ${this.options.pongTimeoutMs} ms`);
  };

  private clearTimers(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.pingTimer = this.pongTimer = this.connectTimer = null;
  }
}

/** `CMD #a,#b,...` lines, each under MAX_COMMAND_LENGTH characters. */
export function batchCommand(command: string, channels: readonly string[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const channel of channels) {
    if (line !== '' && line.length + 1 + channel.length > MAX_COMMAND_LENGTH) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? `${command} ${channel}` : `${line},${channel}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
