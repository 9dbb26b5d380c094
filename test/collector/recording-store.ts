// A Store that keeps what it is given in memory: the collector tests check what crossed the Store
// interface (every line, the gaps, the channel states). The SQLite store has its own suite, and the
// end-to-end tests run the real one.
import type { ChannelState, Gap, ReceivedLine, Store, StoreStatus, WriteResult } from '../../src/store/store.js';
import type { TwitchEvent } from '../../src/twitch/events.js';
import { parseEvent } from '../../src/twitch/map.js';
import type { Page } from '../../src/store/query.js';

export class RecordingStore implements Store {
  /** What was written, typed as the SQLite store types it. */
  readonly events: Array<{ event: TwitchEvent; receivedMs: number }> = [];
  readonly gaps: Gap[] = [];
  readonly states: ChannelState[] = [];
  private readonly ids = new Set<string>();

  async write(batch: readonly ReceivedLine[]): Promise<WriteResult> {
    let duplicates = 0;
    let malformed = 0;
    for (const { line, receivedMs } of batch) {
      const event = parseEvent(line);
      this.events.push({ event, receivedMs });
      if (event.type === 'malformed') malformed++;
      const id = event.id;
      if (id === null) continue;
      if (this.ids.has(id)) duplicates++;
      else this.ids.add(id);
    }
    return { lines: batch.length, rows: { raw: batch.length }, duplicates, malformed };
  }

  async recordGap(gap: Gap): Promise<void> {
    this.gaps.push(gap);
  }

  async setChannelState(state: ChannelState): Promise<void> {
    this.states.push(state);
  }

  async status(): Promise<StoreStatus> {
    return { tables: { raw: this.events.length }, channels: [], lastGaps: [...this.gaps].reverse(), lastReceivedMs: this.events.at(-1)?.receivedMs ?? null };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  /** The collector never reads; a query here is a mistake in the test. */
  async list(): Promise<Page> {
    throw new Error('RecordingStore keeps no queryable tables');
  }

  /** Replayed lines of a channel by simulator sequence number → how many times each arrived. */
  sequenceCounts(channel: string): Map<number, number> {
    const counts = new Map<number, number>();
    for (const { event } of this.events) {
      const seq = event.irc.tags['sim-seq'];
      if (seq === undefined || event.channel !== channel) continue;
      counts.set(Number(seq), (counts.get(Number(seq)) ?? 0) + 1);
    }
    return counts;
  }

  latestState(channel: string): ChannelState['state'] | undefined {
    return this.states.filter((s) => s.channel === channel).at(-1)?.state;
  }
}
