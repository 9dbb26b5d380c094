// The one writer: events are queued and committed in batches (every flushIntervalMs or maxBatch events,
// whichever comes first), one transaction per batch. A backlog that built up during a write (a burst, a slow
// disk) is committed whole, up to BACKLOG_BATCHES × maxBatch per transaction: each COMMIT writes every page the
// batch dirtied to the WAL, the same index pages again and again with small batches, so fewer, larger commits
// catch up faster. The queue is bounded: push() returns false above the high-water mark and 'drain' is emitted
// once it is back under, so the reader can pause its socket instead of growing memory. A failed write keeps its
// batch at the head of the queue and is retried; once close() is asked (or after maxAttempts), a batch that
// keeps failing makes flush()/close() reject instead of retrying forever, so shutdown has a deadline and
// `saltmine import` reports the error instead of hanging.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ReceivedLine, Store, WriteResult } from './store.js';

export interface BatchWriterOptions {
  maxBatch?: number;
  flushIntervalMs?: number;
  highWaterMark?: number;
  /** Wait before retrying a failed write (the database may be locked or the disk full for a moment). */
  retryDelayMs?: number;
  /** Failed attempts of one batch before flush() rejects with the error (the batch stays queued). Default: unlimited. */
  maxAttempts?: number;
}

/** Attempts of a failing batch once close() was asked: the deadline of a shutdown. */
const CLOSE_ATTEMPTS = 3;
/**
 * A backlog is committed up to this many maxBatch at once. With the default high-water mark of 20,000 a firehose
 * commits ~11,000 lines at a time instead of ~5,500, and the write thread's CPU per line fell 18.7 → 15.6 µs.
 */
export const BACKLOG_BATCHES = 20;

export interface WriterTotals {
  lines: number;
  rows: Record<string, number>;
  duplicates: number;
  malformed: number;
  batches: number;
  failedWrites: number;
}

export class BatchWriter extends EventEmitter {
  readonly totals: WriterTotals = { lines: 0, rows: {}, duplicates: 0, malformed: 0, batches: 0, failedWrites: 0 };
  private queue: ReceivedLine[] = [];
  private readonly maxBatch: number;
  private readonly maxBacklogBatch: number;
  private readonly flushIntervalMs: number;
  private readonly highWaterMark: number;
  private readonly retryDelayMs: number;
  private readonly maxAttempts: number;
  /** The error of a batch that failed maxAttempts times; the next flush() rejects with it. */
  private failure: { error: unknown } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private inFlight = 0;
  private blocked = false;
  private closed = false;

  constructor(private readonly store: Store, options: BatchWriterOptions = {}, private readonly log?: Logger) {
    super();
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxBacklogBatch = this.maxBatch * BACKLOG_BATCHES;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.highWaterMark = options.highWaterMark ?? 20_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.maxAttempts = options.maxAttempts ?? Infinity;
  }

  /** Events accepted but not yet committed. */
  get queued(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues one event. False means: above the high-water mark, stop reading until 'drain'. */
  push(item: ReceivedLine): boolean {
    if (this.closed) throw new Error('BatchWriter is closed');
    this.queue.push(item);
    if (this.queue.length >= this.maxBatch) this.startWrite();
    else if (this.timer === null) this.timer = setTimeout(() => this.onTimer(), this.flushIntervalMs);
    if (this.queue.length >= this.highWaterMark) this.blocked = true;
    return !this.blocked;
  }

  /** Writes everything queued so far. Rejects when a batch failed maxAttempts times (3 once close() was asked). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.writing !== null) {
      if (this.writing === null) this.startWrite();
      await this.writing;
      if (this.failure !== null) {
        const { error } = this.failure;
        this.failure = null;
        throw error;
      }
    }
  }

  /** Final flush; the store stays open (its owner closes it). */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
    } finally {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private onTimer(): void {
    this.timer = null;
    if (this.queue.length > 0) this.startWrite();
  }

  private startWrite(): void {
    if (this.writing !== null) return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = this.writeLoop().finally(() => {
      this.writing = null;
    });
  }

  private async writeLoop(): Promise<void> {
    let attempts = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.maxBacklogBatch ? this.queue : this.queue.slice(0, this.maxBacklogBatch);
      // Taken off the queue before the await: an async store lets push() run meanwhile.
      this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
      this.inFlight = batch.length;
      let result: WriteResult;
      try {
        result = await this.store.write(batch);
      } catch (err) {
        this.queue = batch.concat(this.queue);
        this.inFlight = 0;
        this.totals.failedWrites++;
        this.log?.error({ err, batch: batch.length }, 'write failed; the batch stays queued and is retried');
        if (this.listenerCount('error') > 0) this.emit('error', err);
        if (++attempts >= (this.closed ? Math.min(this.maxAttempts, CLOSE_ATTEMPTS) : this.maxAttempts)) {
          this.failure = { error: err };
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
        continue;
      }
      attempts = 0;
      this.failure = null; // the batch that had failed is written now: nothing to report any more
      this.inFlight = 0;
      this.account(result);
      for (const warning of result.warnings ?? []) this.log?.warn(warning);
      this.emit('written', result);
      if (this.blocked && this.queue.length < this.highWaterMark / 2) {
        this.blocked = false;
        this.emit('drain');
      }
      // Let the socket be read between batches instead of draining a large backlog in one go.
      if (this.queue.length > 0 && this.queue.length < this.maxBatch && !this.closed) {
        this.timer ??= setTimeout(() => this.onTimer(), this.flushIntervalMs);
        return;
      }
      if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private account(result: WriteResult): void {
    const t = this.totals;
    t.lines += result.lines;
    t.duplicates += result.duplicates;
    t.malformed += result.malformed;
    t.batches++;
    for (const table in result.rows) t.rows[table] = (t.rows[table] ?? 0) + result.rows[table]!;
  }
}
