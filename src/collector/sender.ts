// Sending chat messages within Twitch's limits: per account 20 per 30 s (100 where we are moderator,
// VIP or broadcaster), and 1 per second per channel unless privileged there. Messages wait in a
// bounded queue; over the limit Twitch ignores a bot for an hour, so waiting is the only safe answer.
import { SlidingWindow, type Rate } from './limits.js';

export interface SenderOptions {
  rate: Rate;
  /** The account limit where we are moderator, VIP or broadcaster (Twitch: 100 per 30 s). */
  privilegedRate: Rate;
  perChannelRate: Rate;
  /** Messages that may wait; more are refused. */
  maxQueued: number;
}

interface Outgoing {
  channel: string;
  text: string;
}

export class SendQueue {
  private readonly queue: Outgoing[] = [];
  private readonly account: SlidingWindow;
  private readonly privileged: SlidingWindow;
  private readonly perChannel = new Map<string, SlidingWindow>();
  private readonly privilegedIn = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  /** `transmit` sends one PRIVMSG now; false when the channel has no joined connection (the message waits). */
  constructor(private readonly options: SenderOptions, private readonly transmit: (channel: string, text: string) => boolean) {
    this.account = new SlidingWindow(options.rate);
    this.privileged = new SlidingWindow(options.privilegedRate);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Remembers from USERSTATE badges whether the per-channel limit applies to us there. */
  setPrivileged(channel: string, privileged: boolean): void {
    if (privileged) this.privilegedIn.add(channel);
    else this.privilegedIn.delete(channel);
  }

  /** Queues a message; returns 0 when it went out at once, else its place in the queue. Throws when the queue is full. */
  enqueue(channel: string, text: string): number {
    if (this.queue.length >= this.options.maxQueued) throw new Error(`send queue full (${this.options.maxQueued} messages waiting); try again later`);
    const item = { channel, text };
    this.queue.push(item);
    this.pump();
    return this.queue.indexOf(item) + 1;
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private channelWindow(channel: string): SlidingWindow {
    let window = this.perChannel.get(channel);
    if (window === undefined) {
      window = new SlidingWindow(this.options.perChannelRate);
      this.perChannel.set(channel, window);
    }
    return window;
  }

  private readonly pump = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const now = Date.now();
    let wakeAt = Infinity;
    for (let i = 0; i < this.queue.length; ) {
      const { channel, text } = this.queue[i]!;
      const privileged = this.privilegedIn.has(channel);
      const perChannel = privileged ? null : this.channelWindow(channel);
      // Every message counts against both account buckets; the regular one limits only where we are not privileged.
      const windows = privileged ? [this.privileged] : [this.account, this.privileged, perChannel!];
      const free = windows.every((w) => w.available(now) > 0);
      if (free && this.transmit(channel, text)) {
        this.account.take(now);
        this.privileged.take(now);
        perChannel?.take(now);
        this.queue.splice(i, 1);
        continue;
      }
      // Not joined yet: look again in a second.
      wakeAt = Math.min(wakeAt, free ? now + 1000 : Math.max(...windows.map((w) => w.nextFreeMs(now))));
      i++;
    }
    if (this.queue.length > 0) this.timer = setTimeout(this.pump, Math.max(1, wakeAt - now));
  };
}
