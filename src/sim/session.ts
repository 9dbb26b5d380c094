// One client connection to the simulator, speaking Twitch's dialect: CAP, PASS/NICK login (anonymous
// justinfan or oauth), JOIN/PART with Twitch's replies, PING/PONG, PRIVMSG, QUIT. What the server side
// decides (does this channel exist, may this JOIN pass, is this token good) is asked of the SessionHost.
import { LineSplitter } from '../irc/lines.js';
import { parseLine, type IrcMessage } from '../irc/parse.js';
import type { Peer } from './peer.js';
import { CAP_COMMANDS, CAP_TAGS, type ReplayChunk, type Room, type Subscriber } from './replay.js';

const SUPPORTED_CAPS = new Set(['twitch.tv/tags', 'twitch.tv/commands', 'twitch.tv/membership']);

export type LoginVerdict = 'ok' | 'failed' | 'improper';

export interface SessionHost {
  readonly responseDelayMs: number;
  login(session: Session, pass: string | null, nick: string): LoginVerdict;
  /** Resolves a JOIN target: the room, 'suspended', or 'dropped' (rate limit exceeded: Twitch drops it quietly). */
  join(session: Session, channel: string): Room | 'suspended' | 'dropped';
  part(session: Session, room: Room): void;
  privmsg(session: Session, channel: string, text: string): void;
  closed(session: Session): void;
}

export class Session implements Subscriber {
  nick: string | null = null;
  registered = false;
  anonymous = true;
  capMask = 0;
  membership = false;
  /** Gone silent (a half-open connection): receives nothing, answers nothing. */
  zombie = false;
  readonly rooms = new Set<Room>();
  private pass: string | null = null;
  private readonly splitter = new LineSplitter();

  constructor(readonly id: number, private readonly peer: Peer, private readonly host: SessionHost) {
    peer.onData = (chunk) => this.receive(chunk);
    peer.onClose = () => host.closed(this);
  }

  get closed(): boolean {
    return this.peer.closed;
  }

  deliver(chunk: ReplayChunk): boolean {
    if (this.zombie) return true;
    return this.peer.write(chunk.text(this.capMask));
  }

  whenDrained(callback: () => void): void {
    this.peer.whenDrained(callback);
  }

  /** Sends lines (CRLF added) unless the session has gone silent. */
  send(...lines: string[]): void {
    if (this.zombie) return;
    this.peer.write(lines.join('\r\n') + '\r\n');
  }

  /** A line with tags, stripped of them when the client did not ask for twitch.tv/tags. */
  private tagged(tags: string, rest: string): string {
    return (this.capMask & CAP_TAGS) !== 0 ? '@' + tags + ' ' + rest : rest;
  }

  end(): void {
    this.peer.end();
  }

  destroy(): void {
    this.peer.destroy();
  }

  private receive(chunk: Buffer | string): void {
    for (const line of this.splitter.push(chunk)) {
      if (this.host.responseDelayMs > 0) setTimeout(() => this.handle(line), this.host.responseDelayMs);
      else this.handle(line);
    }
  }

  private handle(line: string): void {
    if (this.zombie || this.peer.closed) return;
    const m = parseLine(line);
    switch (m.command) {
      case 'CAP': return this.cap(m);
      case 'PASS':
        this.pass = m.params[0] ?? null;
        return;
      case 'NICK': return this.login(m.params[0] ?? '');
      case 'PING':
        this.send(`:tmi.twitch.tv PONG tmi.twitch.tv :${m.params[m.params.length - 1] ?? ''}`);
        return;
      case 'PONG': return;
      case 'QUIT':
        this.peer.end();
        return;
      case 'JOIN': return this.joinAll(m.params[0] ?? '');
      case 'PART': return this.partAll(m.params[0] ?? '');
      case 'PRIVMSG':
        if (this.registered && m.params.length >= 2) this.host.privmsg(this, m.params[0]!.toLowerCase(), m.params[m.params.length - 1]!);
        return;
      default:
        if (this.registered) this.send(`:tmi.twitch.tv 421 ${this.nick} ${m.command || '?'} :Unknown command`);
    }
  }

  private cap(m: IrcMessage): void {
    const sub = (m.params[0] === '*' || m.params.length > 2 ? m.params[1] : m.params[0])?.toUpperCase();
    if (sub === 'LS') {
      this.send(':tmi.twitch.tv CAP * LS :twitch.tv/tags twitch.tv/commands twitch.tv/membership');
      return;
    }
    if (sub !== 'REQ') return;
    const wanted = (m.params[m.params.length - 1] ?? '').split(' ').filter((c) => c !== '');
    // IRCv3: a request is granted or refused as a whole.
    if (wanted.length === 0 || wanted.some((c) => !SUPPORTED_CAPS.has(c))) {
      this.send(`:tmi.twitch.tv CAP * NAK :${wanted.join(' ')}`);
      return;
    }
    for (const c of wanted) {
      if (c === 'twitch.tv/tags') this.capMask |= CAP_TAGS;
      else if (c === 'twitch.tv/commands') this.capMask |= CAP_COMMANDS;
      else this.membership = true;
    }
    this.send(`:tmi.twitch.tv CAP * ACK :${wanted.join(' ')}`);
  }

  private login(nick: string): void {
    if (this.registered) return;
    const verdict = this.host.login(this, this.pass, nick);
    if (verdict !== 'ok') {
      this.send(`:tmi.twitch.tv NOTICE * :${verdict === 'failed' ? 'Login authentication failed' : 'Improperly formatted auth'}`);
      this.peer.end();
      return;
    }
    this.nick = nick.toLowerCase();
    this.anonymous = this.nick.startsWith('justinfan');
    this.registered = true;
    const n = this.nick;
    this.send(
      `:tmi.twitch.tv 001 ${n} :Welcome, GLHF!`,
      `:tmi.twitch.tv 002 ${n} :Your host is tmi.twitch.tv`,
      `:tmi.twitch.tv 003 ${n} :This server is rather new`,
      `:tmi.twitch.tv 004 ${n} :-`,
      `:tmi.twitch.tv 375 ${n} :-`,
      `:tmi.twitch.tv 372 ${n} :You are in a maze of twisty passages.`,
      `:tmi.twitch.tv 376 ${n} :>`,
    );
    if (!this.anonymous && (this.capMask & CAP_COMMANDS) !== 0) {
      this.send(this.tagged(`badge-info=;badges=;color=;display-name=${n};emote-sets=0;user-id=1${this.id};user-type=`, ':tmi.twitch.tv GLOBALUSERSTATE'));
    }
  }

  private joinAll(targets: string): void {
    if (!this.registered) return;
    for (const target of targets.split(',')) {
      if (target === '') continue;
      const channel = (target.charCodeAt(0) === 35 ? target : '#' + target).toLowerCase();
      const room = this.host.join(this, channel);
      if (room === 'dropped') continue;
      if (room === 'suspended') {
        this.send(this.tagged('msg-id=msg_channel_suspended', `:tmi.twitch.tv NOTICE ${channel} :This channel does not exist or has been suspended.`));
        continue;
      }
      const n = this.nick!;
      const replies = [`:${n}!${n}@${n}.tmi.twitch.tv JOIN ${channel}`];
      if (this.membership) replies.push(`:${n}.tmi.twitch.tv 353 ${n} = ${channel} :${n}`, `:${n}.tmi.twitch.tv 366 ${n} ${channel} :End of /NAMES list`);
      if ((this.capMask & CAP_COMMANDS) !== 0) {
        replies.push(
          this.tagged(`badge-info=;badges=;color=;display-name=${n};emote-sets=0;mod=0;subscriber=0;user-type=`, `:tmi.twitch.tv USERSTATE ${channel}`),
          this.tagged(`emote-only=0;followers-only=-1;r9k=0;room-id=${room.roomId};slow=0;subs-only=0`, `:tmi.twitch.tv ROOMSTATE ${channel}`),
        );
      }
      this.send(...replies);
      // Subscribed only after the replies, so the JOIN echo comes before the room's first line.
      this.rooms.add(room);
      room.subscribers.add(this);
    }
  }

  private partAll(targets: string): void {
    for (const target of targets.split(',')) {
      const channel = (target.charCodeAt(0) === 35 ? target : '#' + target).toLowerCase();
      for (const room of this.rooms) {
        if (room.channel !== channel) continue;
        this.rooms.delete(room);
        room.subscribers.delete(this);
        this.send(`:${this.nick}!${this.nick}@${this.nick}.tmi.twitch.tv PART ${channel}`);
        this.host.part(this, room);
      }
    }
  }

  /** Unsubscribes from every room (on close). */
  leaveAll(): void {
    for (const room of this.rooms) room.subscribers.delete(this);
    this.rooms.clear();
  }
}
