// The Twitch chat simulator: a real IRC server on loopback (plain TCP or TLS, and WebSocket on the same
// port: a connection opening with `GET ` is handed to the WebSocket server) that logs clients in the way
// Twitch does and replays a corpus of real lines into the channels they join. Fault modes (RECONNECT,
// dropped connections, silence, the JOIN rate limit, slow replies, rejected tokens) are switchable
// from options, from the CLI and from tests through the methods below.
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { loadCorpus, type Corpus } from './corpus.js';
import { SocketPeer, WebSocketPeer } from './peer.js';
import { ReplayPump, Room } from './replay.js';
import { Session, type LoginVerdict, type SessionHost } from './session.js';
import { JoinWindow, type JoinLimit } from './join-window.js';

export type { JoinLimit };

export interface SimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port; read it back from `port` after listen(). */
  port?: number;
  /** A corpus file or an already loaded corpus; default: the packaged xqcow log. */
  corpus?: string | Corpus;
  /** Lines per second per channel; 0 (the default) = as fast as clients read. */
  rate?: number;
  /** Lines per channel, then the channel falls quiet; default: unlimited (the corpus loops). */
  limit?: number;
  /** The channels that exist (others answer msg_channel_suspended); null (the default) = any channel. */
  channels?: string[] | null;
  /** Twitch's JOIN limit, enforced by quietly dropping excess JOINs; null = none. Default 20 per 10 s. */
  joinLimit?: JoinLimit | null;
  /** Serve TLS (ircs:// and wss://) with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer } | null;
  /** After RECONNECT the server closes the connection this much later. Default 2000. */
  reconnectGraceMs?: number;
  /** Delay before the server handles each client line (a slow server). Default 0. */
  responseDelayMs?: number;
  /** The server's own PING to each client every so often; 0 (the default) = never. */
  serverPingMs?: number;
  /** Reject every oauth login with `Login authentication failed`. */
  rejectTokens?: boolean;
  /** When set, only these tokens (without `oauth:`) log in. */
  validTokens?: string[] | null;
  /** Most lines one channel renders per write. Default 512. */
  chunkLines?: number;
  /**
   * Start each channel at a different point of the corpus, so channels don't show the same chat in lockstep
   * (the demo). Default false: every channel replays from the first line, which tests and benchmarks count on.
   */
  stagger?: boolean;
}

export interface SimulatorStats {
  /** Connections open now. */
  connections: number;
  /** Connections accepted since start (a reconnect storm shows here). */
  connectionsAccepted: number;
  logins: number;
  loginFailures: number;
  joinsAccepted: number;
  joinsDropped: number;
  rooms: Array<{ channel: string; sent: number; subscribers: number; done: boolean }>;
  /** PRIVMSGs clients sent, in order. */
  said: Array<{ nick: string; channel: string; text: string }>;
}

/** Events: 'room-done' (channel), 'all-done' (every started room reached its limit), 'connection' (Session). */
export class TwitchSimulator extends EventEmitter implements SessionHost {
  readonly run = randomBytes(4).toString('hex');
  readonly corpus: Corpus;
  readonly host: string;
  port: number;
  readonly tls: boolean;
  responseDelayMs: number;
  private readonly server: NetServer;
  private readonly http: HttpServer;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<Session>();
  private readonly rooms = new Map<string, Room>();
  private readonly pump: ReplayPump;
  private readonly allowed: Set<string> | null;
  private readonly suspended = new Set<string>();
  private joinWindow: JoinWindow | null;
  private rejectTokens: boolean;
  private readonly validTokens: Set<string> | null;
  private readonly reconnectGraceMs: number;
  private readonly stagger: boolean;
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextSessionId = 1;
  private readonly counters = { connectionsAccepted: 0, logins: 0, loginFailures: 0, joinsAccepted: 0, joinsDropped: 0 };
  private readonly said: SimulatorStats['said'] = [];

  constructor(options: SimulatorOptions = {}) {
    super();
    this.corpus = typeof options.corpus === 'object' ? options.corpus : loadCorpus(options.corpus);
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.tls = options.tls != null;
    this.responseDelayMs = options.responseDelayMs ?? 0;
    this.allowed = options.channels ? new Set(options.channels.map(toChannel)) : null;
    this.joinWindow = options.joinLimit === null ? null : new JoinWindow(options.joinLimit ?? { count: 20, windowMs: 10_000 });
    this.rejectTokens = options.rejectTokens ?? false;
    this.validTokens = options.validTokens ? new Set(options.validTokens) : null;
    this.reconnectGraceMs = options.reconnectGraceMs ?? 2000;
    this.stagger = options.stagger ?? false;
    this.pump = new ReplayPump(
      this.corpus,
      this.run,
      { rate: options.rate ?? 0, limit: options.limit ?? Infinity, chunkLines: options.chunkLines ?? 512 },
      (room) => this.roomDone(room),
    );
    const accept = (socket: Socket): void => this.accept(socket);
    this.server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, accept) : createNetServer(accept);
    this.http = createHttpServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n'));
    this.http.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.open(new WebSocketPeer(ws))));
    if (options.serverPingMs) this.every(options.serverPingMs, () => this.pingAll());
  }

  /** Starts listening; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /** `irc://host:port` (or `ircs://`); the same port answers `ws://` (`wss://`). */
  get url(): string {
    return `${this.tls ? 'ircs' : 'irc'}://${this.host}:${this.port}`;
  }

  get wsUrl(): string {
    return `${this.tls ? 'wss' : 'ws'}://${this.host}:${this.port}`;
  }

  async close(): Promise<void> {
    this.pump.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const session of this.sessions) session.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- fault modes ----

  /** Sends RECONNECT to every connection (or those given) and closes them reconnectGraceMs later. */
  sendReconnect(sessions: Iterable<Session> = [...this.sessions]): void {
    for (const session of sessions) {
      session.send(':tmi.twitch.tv RECONNECT');
      this.later(this.reconnectGraceMs, () => session.end());
    }
  }

  /** Drops every connection at once, unsent data lost (a network failure). */
  dropConnections(): void {
    for (const session of this.sessions) session.destroy();
  }

  /** Every open connection goes silent: no lines, no PONG (a half-open TCP connection). New ones are normal. */
  goSilent(): void {
    for (const session of this.sessions) session.zombie = true;
  }

  /** Sends a raw line (garbage included) to every logged-in connection. */
  sendRaw(line: string): void {
    for (const session of this.sessions) if (session.registered) session.send(line);
  }

  setJoinLimit(limit: JoinLimit | null): void {
    this.joinWindow = limit === null ? null : new JoinWindow(limit);
  }

  setResponseDelay(ms: number): void {
    this.responseDelayMs = ms;
  }

  setRejectTokens(reject: boolean): void {
    this.rejectTokens = reject;
  }

  setRate(rate: number): void {
    this.pump.setRate(rate);
  }

  /** Makes a channel answer msg_channel_suspended to new JOINs. */
  suspend(channel: string): void {
    this.suspended.add(toChannel(channel));
  }

  // ---- observation ----

  get openSessions(): Session[] {
    return [...this.sessions];
  }

  stats(): SimulatorStats {
    return {
      connections: this.sessions.size,
      ...this.counters,
      rooms: [...this.rooms.values()].map((r) => ({ channel: r.channel, sent: r.sent, subscribers: r.subscribers.size, done: r.done })),
      said: [...this.said],
    };
  }

  /** Resolves once every room named (or every started room) has replayed its limit. */
  whenDone(channels?: string[]): Promise<void> {
    const pending = (): boolean => (channels ? channels.map((c) => this.rooms.get(toChannel(c))) : [...this.rooms.values()]).some((r) => r === undefined || !r.done);
    if (!pending()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (pending()) return;
        this.off('room-done', check);
        resolve();
      };
      this.on('room-done', check);
    });
  }

  // ---- SessionHost ----

  login(_session: Session, pass: string | null, nick: string): LoginVerdict {
    const anonymous = /^justinfan\d*$/i.test(nick);
    let verdict: LoginVerdict = 'ok';
    if (!anonymous) {
      if (pass === null || !pass.startsWith('oauth:') || pass.length === 6) verdict = 'improper';
      else if (this.rejectTokens || (this.validTokens !== null && !this.validTokens.has(pass.slice(6)))) verdict = 'failed';
    }
    if (verdict === 'ok') this.counters.logins++;
    else this.counters.loginFailures++;
    return verdict;
  }

  join(_session: Session, channel: string): Room | 'suspended' | 'dropped' {
    if (this.joinWindow !== null && !this.joinWindow.tryTake(Date.now())) {
      this.counters.joinsDropped++;
      return 'dropped';
    }
    if (this.suspended.has(channel) || (this.allowed !== null && !this.allowed.has(channel)) || !/^#[a-z0-9_]{1,25}$/.test(channel)) return 'suspended';
    this.counters.joinsAccepted++;
    let room = this.rooms.get(channel);
    if (room === undefined) {
      room = new Room(channel, this.rooms.size, this.stagger ? this.rooms.size : 0);
      this.rooms.set(channel, room);
    }
    this.pump.start(room);
    return room;
  }

  part(): void {
    // Rooms keep replaying without listeners, as real channels do.
  }

  privmsg(session: Session, channel: string, text: string): void {
    if (session.anonymous) return; // Twitch ignores anonymous senders without a word.
    this.said.push({ nick: session.nick!, channel, text });
    const room = this.rooms.get(channel);
    if (room === undefined || !session.rooms.has(room)) return;
    const n = session.nick!;
    const id = randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    session.send(`@badge-info=;badges=;color=;display-name=${n};emote-sets=0;id=${id};mod=0;subscriber=0;user-type= :tmi.twitch.tv USERSTATE ${channel}`);
    const line = `@badge-info=;badges=;color=;display-name=${n};emotes=;id=${id};mod=0;room-id=${room.roomId};subscriber=0;tmi-sent-ts=${Date.now()};turbo=0;user-id=1${session.id};user-type= :${n}!${n}@${n}.tmi.twitch.tv PRIVMSG ${channel} :${text}`;
    for (const other of room.subscribers) if (other !== session && other instanceof Session) other.send(line);
  }

  closed(session: Session): void {
    session.leaveAll();
    this.sessions.delete(session);
  }

  // ---- internals ----

  private accept(socket: Socket): void {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first.subarray(0, 4).toString('latin1') === 'GET ') this.http.emit('connection', socket);
      else this.open(new SocketPeer(socket));
      socket.resume();
    });
    socket.on('error', () => undefined);
  }

  private open(peer: SocketPeer | WebSocketPeer): void {
    this.counters.connectionsAccepted++;
    const session = new Session(this.nextSessionId++, peer, this);
    this.sessions.add(session);
    this.emit('connection', session);
  }

  private roomDone(room: Room): void {
    this.emit('room-done', room.channel);
    if ([...this.rooms.values()].every((r) => r.done)) this.emit('all-done');
  }

  private pingAll(): void {
    for (const session of this.sessions) if (session.registered) session.send('PING :tmi.twitch.tv');
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private every(ms: number, run: () => void): void {
    this.later(ms, () => {
      run();
      this.every(ms, run);
    });
  }
}

function toChannel(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.startsWith('#') ? lower : '#' + lower;
}
