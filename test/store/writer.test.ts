// BatchWriter against a real SQLite store: commits in batches, flushes on close, bounds its queue with
// push() → false and 'drain', retries a failed write without losing the batch, and gives up with an error
// instead of retrying forever when a batch keeps failing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { BACKLOG_BATCHES, BatchWriter } from '../../src/store/writer.js';
import type { ChannelState, Gap, ReceivedLine, Store, StoreStatus, WriteResult } from '../../src/store/store.js';
import type { ListQuery, Page } from '../../src/store/query.js';
import { count, openTempStore, received, type TempStore } from './helpers.js';

function messages(n: number, from = 0): ReceivedLine[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    return received(`@badges=;color=;display-name=u${i % 7};emotes=;id=${id};mod=0;room-id=1001;subscriber=0;tmi-sent-ts=${1_600_000_000_000 + i};turbo=0;user-id=${2000 + (i % 7)};user-type= :u${i % 7}!u${i % 7}@u${i % 7}.tmi.twitch.tv PRIVMSG #chan :message ${i}`);
  });
}

/** A Store in front of the real one whose writes can be held back or made to fail. */
class ControlledStore implements Store {
  writes = 0;
  /** Writes to fail (from the next one on); Infinity: every write fails. */
  failNext = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;

  constructor(private readonly inner: Store) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
  }

  async write(batch: readonly ReceivedLine[]): Promise<WriteResult> {
    this.writes++;
    if (this.gate !== null) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database is locked');
    }
    return this.inner.write(batch);
  }

  recordGap(gap: Gap): Promise<void> { return this.inner.recordGap(gap); }
  setChannelState(state: ChannelState): Promise<void> { return this.inner.setChannelState(state); }
  status(): Promise<StoreStatus> { return this.inner.status(); }
  ping(): Promise<boolean> { return this.inner.ping(); }
  list(query: ListQuery): Promise<Page> { return this.inner.list(query); }
  close(): Promise<void> { return this.inner.close(); }
}

let t: TempStore;
before(() => (t = openTempStore('writer')));
after(() => t.dispose());

describe('BatchWriter', () => {
  it('commits a burst in one transaction per write: the first maxBatch, then the backlog that built up meanwhile', async () => {
    const writer = new BatchWriter(t.store, { maxBatch: 10, flushIntervalMs: 5 });
    const batches: number[] = [];
    writer.on('written', (result: WriteResult) => batches.push(result.lines));
    const blocksBefore = count(t.store, 'raw_block');
    for (const item of messages(35, 1000)) assert.equal(writer.push(item), true);
    await writer.close();
    assert.deepEqual(batches, [10, 25]);
    assert.equal(count(t.store, 'raw_block') - blocksBefore, 2);
    assert.equal(count(t.store, 'privmsg', "msg_content LIKE 'message 10__'"), 35);
    assert.equal(writer.totals.batches, 2);
    assert.equal(writer.totals.rows['privmsg'], 35);
  });

  it(`commits a backlog at most ${BACKLOG_BATCHES} × maxBatch per transaction`, async () => {
    const store = new ControlledStore(t.store);
    const writer = new BatchWriter(store, { maxBatch: 2, flushIntervalMs: 1, highWaterMark: 1000 });
    const batches: number[] = [];
    writer.on('written', (result: WriteResult) => batches.push(result.lines));
    store.hold();
    const most = 2 * BACKLOG_BATCHES;
    for (const item of messages(2 + 2 * most + 3, 8000)) writer.push(item);
    store.release();
    await writer.close();
    assert.deepEqual(batches, [2, most, most, 3]);
    assert.equal(count(t.store, 'privmsg', "msg_content LIKE 'message 80__'"), 2 + 2 * most + 3);
  });

  it('writes a partial batch once flushIntervalMs has passed, without being asked', async () => {
    const writer = new BatchWriter(t.store, { maxBatch: 1000, flushIntervalMs: 10 });
    for (const item of messages(3, 2000)) writer.push(item);
    const [result] = await once(writer, 'written') as [WriteResult];
    assert.equal(result.lines, 3);
    assert.equal(writer.queued, 0);
    await writer.close();
  });

  it('writes everything still queued on close, without waiting for the flush interval', async () => {
    const writer = new BatchWriter(t.store, { maxBatch: 1000, flushIntervalMs: 60_000 });
    for (const item of messages(7, 3000)) writer.push(item);
    assert.equal(writer.queued, 7);
    await writer.close();
    assert.equal(writer.queued, 0);
    assert.equal(count(t.store, 'privmsg', "msg_content LIKE 'message 300_'"), 7);
    assert.throws(() => writer.push(messages(1, 3100)[0]!), /closed/);
  });

  it('returns false from push above the high-water mark and emits drain once the backlog is written', async () => {
    const store = new ControlledStore(t.store);
    const writer = new BatchWriter(store, { maxBatch: 5, highWaterMark: 20, flushIntervalMs: 1 });
    const events: string[] = [];
    writer.on('written', () => events.push('written'));
    writer.on('drain', () => events.push('drain'));
    store.hold();
    const items = messages(40, 4000);
    const accepted = items.map((item) => writer.push(item));
    // 5 in flight, then the queue reaches 20 at the 25th push: from there on push says stop.
    assert.deepEqual(accepted, [...Array(24).fill(true), ...Array(16).fill(false)]);
    assert.equal(writer.queued, 40, 'refused pushes are still queued, not dropped');
    const drained = once(writer, 'drain');
    store.release();
    await drained;
    assert.ok(events.indexOf('drain') > 0 && events.slice(0, events.indexOf('drain')).every((e) => e === 'written'), events.join());
    assert.ok(writer.queued < 10, `drain comes below half the high-water mark (queued ${writer.queued})`);
    assert.equal(writer.push(messages(1, 4040)[0]!), true);
    await writer.close();
    assert.equal(count(t.store, 'privmsg', "msg_content LIKE 'message 40__'"), 41);
  });

  it('retries a batch whose write threw, and loses nothing', async () => {
    const store = new ControlledStore(t.store);
    const writer = new BatchWriter(store, { maxBatch: 100, flushIntervalMs: 1, retryDelayMs: 1 });
    const errors: unknown[] = [];
    writer.on('error', (err) => errors.push(err));
    store.failNext = 1;
    for (const item of messages(20, 5000)) writer.push(item);
    await writer.close();
    assert.equal(errors.length, 1);
    assert.equal(writer.totals.failedWrites, 1);
    assert.equal(store.writes, 2);
    assert.equal(writer.totals.lines, 20);
    assert.equal(count(t.store, 'privmsg', "msg_content LIKE 'message 50__'"), 20);
  });

  it('rejects flush after maxAttempts failures in a row, keeping the batch queued for a later attempt', async () => {
    const store = new ControlledStore(t.store);
    const writer = new BatchWriter(store, { maxBatch: 100, flushIntervalMs: 1, retryDelayMs: 1, maxAttempts: 2 });
    store.failNext = Infinity;
    for (const item of messages(4, 6000)) writer.push(item);
    await assert.rejects(writer.flush(), /database is locked/);
    assert.equal(store.writes, 2);
    assert.equal(writer.queued, 4);
    store.failNext = 0;
    await writer.close();
    assert.equal(count(t.store, 'privmsg', "msg_content LIKE 'message 600_'"), 4);
  });

  it('gives up on close after a few attempts when every write fails, instead of retrying forever', async () => {
    const store = new ControlledStore(t.store);
    const writer = new BatchWriter(store, { maxBatch: 100, flushIntervalMs: 60_000, retryDelayMs: 1 });
    store.failNext = Infinity;
    for (const item of messages(3, 7000)) writer.push(item);
    await assert.rejects(writer.close(), /database is locked/);
    assert.equal(store.writes, 3);
    assert.equal(writer.queued, 3, 'what could not be written is still counted as queued');
  });
});
