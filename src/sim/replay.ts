// Rooms and the replay pump: each room (channel) replays the corpus from its first JOIN on, at a fixed
// rate or as fast as possible, whether anyone is still listening or not (like a real channel: a client
// that is away misses lines, which is what the collector's reconnect tests must be able to show).
// Lines are built in chunks and written once per subscriber; a congested subscriber pauses the pump
// (TCP back-pressure), so a slow client slows the firehose instead of growing the server's memory.
import { messageId, renderLine, roomIdFor, type Corpus } from './corpus.js';

/** What a room needs from a subscribed connection. */
export interface Subscriber {
  /** Bit set of capabilities that change what it receives: 1 = tags, 2 = commands. */
  readonly capMask: number;
  /** Writes the chunk; false when congested (the pump then waits for whenDrained). */
  deliver(chunk: ReplayChunk): boolean;
  whenDrained(callback: () => void): void;
}

export const CAP_TAGS = 1;
export const CAP_COMMANDS = 2;

/** Lines of one room for one tick, rendered for each capability combination on demand. */
export class ReplayChunk {
  private readonly variants: Array<string | undefined> = [undefined, undefined, undefined, undefined];

  constructor(readonly lines: string[], readonly privmsg: boolean[]) {}

  text(capMask: number): string {
    const cached = this.variants[capMask];
    if (cached !== undefined) return cached;
    let out = '';
    for (let i = 0; i < this.lines.length; i++) {
      // Without twitch.tv/commands only PRIVMSG arrives; without twitch.tv/tags lines come bare.
      if ((capMask & CAP_COMMANDS) === 0 && !this.privmsg[i]) continue;
      const line = this.lines[i]!;
      out += ((capMask & CAP_TAGS) === 0 ? line.slice(line.indexOf(' ') + 1) : line) + '\r\n';
    }
    this.variants[capMask] = out;
    return out;
  }
}

export class Room {
  /** Lines replayed so far; the last line sent carries `sim-seq` = sent. */
  sent = 0;
  startedMs = -1;
  done = false;
  /** tmi-sent-ts of the last line sent. */
  private lastSentMs = 0;
  private cursor = 0;
  readonly roomId: string;
  readonly subscribers = new Set<Subscriber>();

  /** `startSlot` n starts the replay n sevenths of the way into the corpus (see SimulatorOptions.stagger). */
  constructor(readonly channel: string, readonly index: number, private readonly startSlot = 0) {
    this.roomId = roomIdFor(channel.slice(1));
  }

  /**
   * Renders the next `count` lines. Each line of a room is stamped at least a millisecond after the one before,
   * as a room's messages on Twitch nearly always are: a chunk stamped with one time put hundreds of a room's
   * messages in the same millisecond, which no real chat does (a store finding messages by room and time met all
   * of them). A firehose's stamps therefore run ahead of the clock.
   */
  next(corpus: Corpus, run: string, count: number, now: number): ReplayChunk {
    const lines: string[] = new Array(count);
    const privmsg: boolean[] = new Array(count);
    const templates = corpus.templates;
    if (this.sent === 0) this.cursor = Math.floor((templates.length * (this.startSlot % 7)) / 7);
    for (let i = 0; i < count; i++) {
      const t = templates[this.cursor]!;
      this.cursor = this.cursor + 1 === templates.length ? 0 : this.cursor + 1;
      const seq = ++this.sent;
      this.lastSentMs = Math.max(now, this.lastSentMs + 1);
      lines[i] = renderLine(t, this.channel, this.roomId, messageId(run, this.index, seq), seq, this.lastSentMs);
      privmsg[i] = t.privmsg;
    }
    return new ReplayChunk(lines, privmsg);
  }
}

export interface ReplayOptions {
  /** Lines per second per channel; 0 = as fast as the clients read. */
  rate: number;
  /** Lines per channel before the room falls quiet; Infinity = loop the corpus forever. */
  limit: number;
  /** Most lines one room renders per tick. */
  chunkLines: number;
}

/** Ticks every RATE_TICK_MS with a rate, on setImmediate without one. */
const RATE_TICK_MS = 10;

export class ReplayPump {
  private readonly active: Room[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private waitingForDrain = false;
  private stopped = false;

  constructor(
    private readonly corpus: Corpus,
    private readonly run: string,
    private options: ReplayOptions,
    private readonly onRoomDone: (room: Room) => void,
  ) {}

  setRate(rate: number): void {
    this.options = { ...this.options, rate };
    for (const room of this.active) room.startedMs = Date.now() - (room.sent * 1000) / Math.max(rate, 1);
  }

  /** Starts a room's replay (on its first JOIN). */
  start(room: Room): void {
    if (room.startedMs !== -1 || room.done || this.stopped) return;
    room.startedMs = Date.now();
    if (this.options.limit <= 0) {
      this.finish(room);
      return;
    }
    this.active.push(room);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private schedule(): void {
    if (this.timer !== null || this.immediate !== null || this.waitingForDrain || this.stopped || this.active.length === 0) return;
    if (this.options.rate > 0) this.timer = setTimeout(this.tick, RATE_TICK_MS);
    else this.immediate = setImmediate(this.tick);
  }

  private finish(room: Room): void {
    room.done = true;
    const at = this.active.indexOf(room);
    if (at !== -1) this.active.splice(at, 1);
    this.onRoomDone(room);
  }

  private readonly tick = (): void => {
    this.timer = null;
    this.immediate = null;
    const { rate, limit, chunkLines } = this.options;
    const now = Date.now();
    const congested: Subscriber[] = [];
    for (const room of [...this.active]) {
      const target = rate > 0 ? Math.min(limit, Math.floor(((now - room.startedMs) * rate) / 1000)) : limit;
      const count = Math.min(target - room.sent, chunkLines);
      if (count > 0) {
        const chunk = room.next(this.corpus, this.run, count, now);
        for (const subscriber of room.subscribers) {
          if (!subscriber.deliver(chunk) && !congested.includes(subscriber)) congested.push(subscriber);
        }
      }
      if (room.sent >= limit) this.finish(room);
    }
    if (congested.length === 0) {
      this.schedule();
      return;
    }
    this.waitingForDrain = true;
    let pending = congested.length;
    const drained = (): void => {
      if (--pending > 0) return;
      this.waitingForDrain = false;
      this.schedule();
    };
    for (const subscriber of congested) subscriber.whenDrained(drained);
  };
}
