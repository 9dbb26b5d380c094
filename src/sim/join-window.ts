// The server side of Twitch's JOIN limit: at most `count` channels joined per sliding `windowMs`,
// counted per channel (a `JOIN #a,#b` costs two); the excess is dropped without an answer, as Twitch does.
export interface JoinLimit {
  count: number;
  windowMs: number;
}

export class JoinWindow {
  private readonly times: number[] = [];

  constructor(readonly limit: JoinLimit) {}

  /** Takes one slot at `now`; false when the window is full. */
  tryTake(now: number): boolean {
    const since = now - this.limit.windowMs;
    let expired = 0;
    while (expired < this.times.length && this.times[expired]! <= since) expired++;
    if (expired > 0) this.times.splice(0, expired);
    if (this.times.length >= this.limit.count) return false;
    this.times.push(now);
    return true;
  }
}

/** Parses `20/10s`, `20/10000ms`, `20/10000` (ms) into a JoinLimit; throws naming the text. */
export function parseJoinLimit(text: string): JoinLimit {
  const match = /^(\d+)\/(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!match) throw new Error(`invalid join limit ${JSON.stringify(text)}: expected COUNT/WINDOW such as 20/10s`);
  const count = Number(match[1]);
  const windowMs = match[3] === 's' ? Number(match[2]) * 1000 : Number(match[2]);
  if (count < 1 || windowMs <= 0) throw new Error(`invalid join limit ${JSON.stringify(text)}: count and window must be positive`);
  return { count, windowMs };
}
