// The JOIN queue: every JOIN of every connection passes one account-wide sliding window (Twitch: 20 per
// 10 s, 2000 for verified bots), and the JOINs that may go now leave batched (`JOIN #a,#b`).
import type { IrcConnection } from './connection.js';
import { SlidingWindow, type Rate } from './limits.js';

interface PendingJoin {
  conn: IrcConnection;
  channel: string;
}

export class JoinScheduler {
  private queue: PendingJoin[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly window: SlidingWindow;
  private stopped = false;

  constructor(rate: Rate) {
    this.window = new SlidingWindow(rate);
  }

  get queued(): number {
    return this.queue.length;
  }

  isQueued(conn: IrcConnection, channel: string): boolean {
    return this.queue.some((p) => p.conn === conn && p.channel === channel);
  }

  enqueue(conn: IrcConnection, channel: string): void {
    if (this.stopped || this.isQueued(conn, channel)) return;
    this.queue.push({ conn, channel });
    this.pump();
  }

  /** Forgets queued JOINs of a channel (parted before its turn). */
  cancel(channel: string): void {
    this.queue = this.queue.filter((p) => p.channel !== channel);
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly pump = (): void => {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // A closed connection's JOINs are void; a connection still logging in keeps its place.
    this.queue = this.queue.filter((p) => p.conn.state !== 'closed' && p.conn.state !== 'quitting');
    const now = Date.now();
    let budget = this.window.available(now);
    const batches = new Map<IrcConnection, string[]>();
    const rest: PendingJoin[] = [];
    for (const pending of this.queue) {
      if (budget > 0 && pending.conn.state === 'ready') {
        budget--;
        const list = batches.get(pending.conn);
        if (list === undefined) batches.set(pending.conn, [pending.channel]);
        else list.push(pending.channel);
      } else rest.push(pending);
    }
    this.queue = rest;
    for (const [conn, channels] of batches) {
      this.window.take(now, channels.length);
      conn.join(channels);
    }
    if (this.queue.length === 0 || this.stopped) return;
    // Waiting either for the window or for a connection to finish logging in (the pool pumps again then).
    if (this.queue.some((p) => p.conn.state === 'ready')) this.timer = setTimeout(this.pump, Math.max(1, this.window.nextFreeMs(Date.now()) - Date.now()));
  };

  /** Sends what may go now (the pool calls this when a connection becomes ready). */
  flush(): void {
    this.pump();
  }
}
