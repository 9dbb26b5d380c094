// Rate limits on our side of the wire: a sliding-window budget (Twitch counts JOINs and PRIVMSGs per
// account in a sliding window) and the reconnect back-off.

export interface Rate {
  limit: number;
  windowMs: number;
}

/**
 * At most `limit` actions in any window of `windowMs` (go-twitch-irc's sliding window). The window is
 * padded by a tenth (at most 1 s): Twitch measures on arrival, and two bursts a window apart can arrive
 * closer together than they left (twurple uses 20 per 11 s for the same reason).
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private readonly windowMs: number;

  constructor(readonly rate: Rate) {
    this.windowMs = rate.windowMs + Math.min(1000, Math.ceil(rate.windowMs / 10));
  }

  private expire(now: number): void {
    let n = 0;
    while (n < this.times.length && this.times[n]! <= now - this.windowMs) n++;
    if (n > 0) this.times.splice(0, n);
  }

  /** How many actions may happen now. */
  available(now: number): number {
    this.expire(now);
    return Math.max(0, this.rate.limit - this.times.length);
  }

  /** Records `count` actions at `now` (call after checking available()). */
  take(now: number, count = 1): void {
    for (let i = 0; i < count; i++) this.times.push(now);
  }

  /** When the next slot frees up (now when one is free). */
  nextFreeMs(now: number): number {
    this.expire(now);
    if (this.times.length < this.rate.limit) return now;
    return this.times[this.times.length - this.rate.limit]! + this.windowMs;
  }
}

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

/** Exponential back-off with jitter: attempt 0 waits about minMs, doubling up to maxMs, each ±25 %. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.75 + random() * 0.5));
}
