// The SQLite implementation of Store (better-sqlite3 v12; v13 crashes on Node 20).
// WAL: readers (the API) never block the writer, and a kill -9 never leaves the file corrupt.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { parseLine } from '../../irc/parse.js';
import { toEvent } from '../../twitch/map.js';
import type { ChannelState, Gap, ReceivedLine, Store, StoreStatus, WriteKey, WriteResult } from '../store.js';
import type { JsonPage, ListQuery, Page } from '../query.js';
import { EventRows } from './event-rows.js';
import { encodeBlock, LINES_PER_BLOCK_MAX, RawReader, rawIdOf, type EncodedBlock } from './raw-archive.js';
import { RawMerger, type RawRun } from './raw-merge.js';
import { COUNTED_TABLES, MIGRATIONS } from './schema.js';
import { listJsonRows, listRows } from './query.js';
import { Checkpointer } from './checkpointer.js';
import type { ReadPool } from './read-pool.js';

/** The WAL file is cut back to this size when it starts over (it is reused, not regrown, below it). */
const WAL_SIZE_LIMIT = 64 * 2 ** 20;

/** Memory map and page cache of the read connection (the API's); address space, not resident memory. */
const READ_MMAP_BYTES = 1 << 30;
export const READ_CACHE_KIB = 256 * 1024;

/**
 * The API's pages are index lookups spread over the whole file: mapped pages are read without a copy into the
 * page cache, and a larger cache keeps the hot index pages of a 10M-row database. For read connections only.
 */
function tuneForReading(db: Database): void {
  db.pragma(`mmap_size = ${READ_MMAP_BYTES}`);
  db.pragma(`cache_size = -${READ_CACHE_KIB}`);
}

export interface SqliteStoreOptions {
  /** Maintain the full-text index of messages (costs ingest speed; on by default). */
  search?: boolean;
  readonly?: boolean;
  /**
   * The writer's page cache, MiB. 16 by default: a recording runs for days, and its memory counts more than
   * the last few percent of speed. A bulk import is better off with more, because its random-key index
   * inserts (message ids) miss the cache once the indexes outgrow it.
   */
  cacheMiB?: number;
}

export class SqliteStoreError extends Error {
  constructor(message: string, readonly path: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SqliteStoreError';
  }
}

function migrate(db: Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new SqliteStoreError(`${path}: database schema version ${version} is newer than this saltmine knows (${MIGRATIONS.length}); upgrade saltmine`, path);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  // A rebuilt table (schema 5: privmsg) loses its planner statistics with the old one: gather them again now
  // for any table that needs it (0x10002: whether or not a query used it; sampled, so quick on large tables).
  if (version > 0 && version < MIGRATIONS.length) db.pragma('optimize = 0x10002');
}

/** Receive times of a batch's lines: an array, or the Float64Array a batch crosses threads in. */
export type ReceiveTimes = readonly number[] | Float64Array;

/** The lines of one raw block (a batch has more than one only above LINES_PER_BLOCK_MAX lines). */
interface Block {
  lines: readonly string[];
  receivedMs: ReceiveTimes;
}

interface Writing {
  rows: EventRows;
  nextBlockId: Statement;
  insertBlock: Statement;
  merger: RawMerger;
  /** The last write each writer committed (schema.ts, V7), and the writers that wrote through this store. */
  putReceipt: Statement;
  writers: Set<string>;
}

export class SqliteStore implements Store {
  private rawReader: RawReader | null = null;
  private reader: Database | null = null;
  /** Read threads that list queries run on instead of this thread (read-pool.ts); null: on this thread. */
  private readPool: ReadPool | null = null;
  /** What writing needs; null when opened read-only. */
  private readonly writing: Writing | null;
  /** Writes, gaps and channel states run one at a time: a write's transaction stays open across an await. */
  private exclusive: Promise<unknown> = Promise.resolve();
  /** Looks up a writer's receipt (committedWrite), prepared on first use. */
  private receiptOf: Statement | null = null;

  constructor(readonly db: Database, readonly path: string, options: SqliteStoreOptions = {}, private readonly checkpointer: Checkpointer | null = null) {
    // Without its thread the WAL would grow without bound: SQLite's own checkpoints take over again.
    checkpointer?.on('error', () => {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
    if (options.readonly) {
      this.writing = null;
      return;
    }
    this.writing = {
      rows: new EventRows(db, options.search ?? true),
      // One writer (this connection, inside its write transaction): the next id is stable until COMMIT. A merged
      // row (raw-merge.ts) has its last block's id, so this holds for it too, and for an older saltmine's writer.
      nextBlockId: db.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM raw_block').pluck(),
      insertBlock: db.prepare('INSERT INTO raw_block (id, first_ms, last_ms, count, malformed, codec, data) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      merger: new RawMerger(db),
      putReceipt: db.prepare('INSERT OR REPLACE INTO write_receipt (writer, seq, result) VALUES (?, ?, ?)'),
      writers: new Set(),
    };
  }

  write(batch: readonly ReceivedLine[]): Promise<WriteResult> {
    return this.writeLines(batch.map((item) => item.line), batch.map((item) => item.receivedMs));
  }

  /**
   * write() of a batch in columns, as the write thread receives it: the lines and their receive times. With a
   * key, a write whose key was committed before (asked again after its thread stopped unanswered) is not
   * written again: its result then is the one it had.
   */
  async writeLines(lines: readonly string[], receivedMs: ReceiveTimes, key?: WriteKey): Promise<WriteResult> {
    const writing = this.writing;
    if (writing === null) throw new SqliteStoreError(`${this.path}: opened read-only`, this.path);
    if (lines.length === 0) return { lines: 0, rows: {}, duplicates: 0, malformed: 0 };
    // A raw id has room for LINES_PER_BLOCK_MAX lines per block, so a larger batch takes several blocks.
    const blocks: Block[] = [];
    for (let i = 0; i < lines.length; i += LINES_PER_BLOCK_MAX) {
      blocks.push(lines.length <= LINES_PER_BLOCK_MAX ? { lines, receivedMs } : { lines: lines.slice(i, i + LINES_PER_BLOCK_MAX), receivedMs: receivedMs.slice(i, i + LINES_PER_BLOCK_MAX) });
    }
    // The raw blocks are compressed on the thread pool while this thread inserts the rows.
    const encodings = blocks.map((block) => encodeBlock(block.lines, block.receivedMs));
    for (const encoding of encodings) encoding.catch(() => undefined); // awaited below; a failure before then is not an unhandled rejection
    return this.runExclusive(() => this.writeTransaction(lines.length, blocks, encodings, writing, key));
  }

  /**
   * One transaction for the whole batch, all its blocks included: a batch is all there or not at all, so the
   * BatchWriter writing a failed batch again stores no line twice. Each block's rows go first, then the block.
   */
  private async writeTransaction(lineCount: number, blocks: Block[], encodings: Promise<EncodedBlock>[], writing: Writing, key: WriteKey | undefined): Promise<WriteResult> {
    const { db } = this;
    const { rows } = writing;
    const result: WriteResult = { lines: lineCount, rows: { raw: lineCount }, duplicates: 0, malformed: 0 };
    let firstBlockId: number;
    db.exec('BEGIN IMMEDIATE');
    try {
      rows.startTransaction();
      if (key !== undefined) {
        writing.writers.add(key.writer);
        const committed = this.committedWrite(key);
        if (committed !== null) {
          db.exec('ROLLBACK');
          return committed;
        }
      }
      firstBlockId = writing.nextBlockId.get() as number;
      for (let b = 0, blockId = firstBlockId; b < blocks.length; b++, blockId++) {
        const { lines, receivedMs } = blocks[b]!;
        let malformed = 0;
        // Each line is parsed and typed just before its rows are written, so its objects die young.
        for (let i = 0; i < lines.length; i++) {
          const event = toEvent(parseLine(lines[i]!));
          if (event.type === 'malformed') malformed++;
          if (!rows.write(event, receivedMs[i]!, rawIdOf(blockId, i), result.rows) && event.id !== null) result.duplicates++;
        }
        result.malformed += malformed;
        const block = await encodings[b]!;
        writing.insertBlock.run(blockId, block.firstMs, block.lastMs, block.count, malformed, block.codec, block.data);
      }
      rows.flushSearch();
      if (key !== undefined) writing.putReceipt.run(key.writer, key.seq, JSON.stringify(result));
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      rows.forgetCachedReferences();
      throw err;
    }
    for (let b = 0; b < blocks.length; b++) {
      const run = writing.merger.written(firstBlockId + b, blocks[b]!.lines.length);
      if (run === null) continue;
      const failure = await this.mergeRaw(writing, run);
      if (failure !== null) (result.warnings ??= []).push(failure);
    }
    return result;
  }

  /**
   * The result of write `key` if it was committed (its receipt, schema.ts V7), else null. Only the writer's
   * last write is known: an older one counts as not committed and is written again (a line stored twice is
   * better than one lost; the BatchWriter has one write in flight, so this never happens to it).
   */
  committedWrite(key: WriteKey): WriteResult | null {
    this.receiptOf ??= this.db.prepare('SELECT seq, result FROM write_receipt WHERE writer = ?');
    const receipt = this.receiptOf.get(key.writer) as { seq: number; result: string } | undefined;
    return receipt?.seq === key.seq ? (JSON.parse(receipt.result) as WriteResult) : null;
  }

  /**
   * Merges a run of small raw blocks (raw-merge.ts) in a transaction of its own, after the write that
   * completed it: a merge that fails leaves the blocks as written, and never undoes that write. Returns the
   * failure, said so that it can be logged, or null.
   */
  private async mergeRaw(writing: Writing, run: RawRun): Promise<string | null> {
    try {
      await writing.merger.merge(run);
      return null;
    } catch (err) {
      return `raw archive: merging blocks ${run.firstId}–${run.firstId + run.blocks - 1} failed, they stay as written: ${(err as Error).message}`;
    }
  }

  private runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(task, task);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /**
   * A second, read-only connection for queries: better-sqlite3 allows no other statement on a connection while
   * an iterator is open, so streamed exports must not share the writer's. In WAL mode it never blocks the writer.
   */
  get readDb(): Database {
    if (!this.db.open) throw new SqliteStoreError(`${this.path}: store is closed`, this.path);
    if (this.reader === null) {
      this.reader = this.path === ':memory:' || this.db.readonly ? this.db : new BetterSqlite3(this.path, { readonly: true, fileMustExist: true });
      if (this.reader !== this.db) {
        this.reader.pragma('busy_timeout = 5000');
        tuneForReading(this.reader);
      }
    }
    return this.reader;
  }

  /** Reads archived lines back (on the read connection). */
  get raw(): RawReader {
    this.rawReader ??= new RawReader(this.readDb);
    return this.rawReader;
  }

  /** Stores a gap; the same gap again (asked twice, after a write thread stopped unanswered) is stored once. */
  recordGap(gap: Gap): Promise<void> {
    return this.runExclusive(async () => {
      const channels = JSON.stringify(gap.channels);
      this.db.prepare(`INSERT INTO gap (start_ms, end_ms, channels, reason) SELECT @startMs, @endMs, @channels, @reason
        WHERE NOT EXISTS (SELECT 1 FROM gap WHERE start_ms = @startMs AND end_ms IS @endMs AND channels = @channels AND reason IS @reason)`)
        .run({ startMs: gap.startMs, endMs: gap.endMs, channels, reason: gap.reason });
    });
  }

  setChannelState(state: ChannelState): Promise<void> {
    return this.runExclusive(async () => {
      this.db.prepare(`INSERT INTO channel_state (channel, state, detail, updated_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT (channel) DO UPDATE SET state = excluded.state, detail = excluded.detail, updated_ms = excluded.updated_ms`)
        .run(state.channel, state.state, state.detail, state.updatedMs);
    });
  }

  async status(): Promise<StoreStatus> {
    const tables: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      // max(rowid) would be faster on huge tables, but rowid tables here never delete, so count is exact and
      // user/room/user_in_room need a real count anyway.
      tables[table] = (this.db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    }
    const channels = (this.db.prepare('SELECT channel, state, detail, updated_ms FROM channel_state ORDER BY channel').all() as
      { channel: string; state: ChannelState['state']; detail: string | null; updated_ms: number }[])
      .map((r) => ({ channel: r.channel, state: r.state, detail: r.detail, updatedMs: r.updated_ms }));
    const lastGaps = (this.db.prepare('SELECT start_ms, end_ms, channels, reason FROM gap ORDER BY start_ms DESC LIMIT 5').all() as
      { start_ms: number; end_ms: number | null; channels: string; reason: string }[])
      .map((r) => ({ startMs: r.start_ms, endMs: r.end_ms, channels: JSON.parse(r.channels) as string[], reason: r.reason }));
    const raw = this.db.prepare('SELECT coalesce(sum(count), 0) AS lines, coalesce(sum(malformed), 0) AS malformed, max(last_ms) AS last FROM raw_block').get() as
      { lines: number; malformed: number; last: number | null };
    tables['raw'] = raw.lines;
    tables['raw_malformed'] = raw.malformed;
    return { tables, channels, lastGaps, lastReceivedMs: raw.last };
  }

  /** Whether a file with this content hash was imported completely before. */
  isImported(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM import WHERE sha256 = ?').get(sha256) !== undefined;
  }

  markImported(sha256: string, path: string, lines: number): Promise<void> {
    return this.runExclusive(async () => {
      this.db.prepare('INSERT OR REPLACE INTO import (sha256, path, lines, completed_ms) VALUES (?, ?, ?, ?)').run(sha256, path, lines, Date.now());
    });
  }

  /** From now on list queries run on these read threads; the store closes them when it closes. */
  useReadPool(pool: ReadPool): void {
    if (this.readPool !== null && this.readPool !== pool) void this.readPool.close();
    this.readPool = pool;
  }

  async list(query: ListQuery): Promise<Page> {
    if (this.readPool !== null) return this.readPool.list(query);
    return listRows(this.readDb, this.raw, query);
  }

  async listJson(query: ListQuery): Promise<JsonPage | null> {
    if (this.readPool !== null) return this.readPool.listJson(query);
    return listJsonRows(this.readDb, query);
  }

  async ping(): Promise<boolean> {
    try {
      return this.db.open && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.exclusive; // a write between its rows and its raw block finishes first
    // The small blocks the recording ended with. A failure leaves them as written, at the end of the archive,
    // where the next writer's RawMerger finds them; there is no write result left to report it with.
    const rest = this.db.open ? this.writing?.merger.takeRest() : null;
    if (rest) await this.runExclusive(() => this.mergeRaw(this.writing!, rest));
    // Nothing is asked again once the store closes: its writers' receipts have served.
    if (this.db.open && this.writing !== null) {
      const forget = this.db.prepare('DELETE FROM write_receipt WHERE writer = ?');
      for (const writer of this.writing.writers) forget.run(writer);
    }
    await this.readPool?.close();
    if (this.reader !== null && this.reader !== this.db && this.reader.open) this.reader.close();
    await this.checkpointer?.close();
    if (!this.db.open) return;
    if (!this.db.readonly) this.db.pragma('optimize');
    // The last checkpoint, with the WAL emptied: the database file alone holds everything.
    if (this.checkpointer !== null) this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

/** Opens (creating file, directory and schema on first use) the database at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  let db: Database;
  try {
    if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new SqliteStoreError(`cannot open database ${path}: ${(err as Error).message}`, path);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: durable against a process crash (kill -9); a power cut may lose the last commits.
      db.pragma('synchronous = NORMAL');
      migrate(db, path);
    }
    db.pragma(`cache_size = -${Math.round((options.cacheMiB ?? 16) * 1024)}`);
    db.pragma('temp_store = MEMORY');
    // A read-only store (`serve`, `status`) reads on this connection.
    if (options.readonly) tuneForReading(db);
    let checkpointer: Checkpointer | null = null;
    if (!options.readonly && path !== ':memory:') {
      db.pragma('wal_autocheckpoint = 0');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      checkpointer = new Checkpointer(path);
    }
    return new SqliteStore(db, path, options, checkpointer);
  } catch (err) {
    db.close();
    if (err instanceof SqliteStoreError) throw err;
    throw new SqliteStoreError(`cannot use database ${path}: ${(err as Error).message}`, path);
  }
}
