// A SQLite Store whose writes run on their own thread (write-worker.ts), for recording: the socket thread
// reads, frames and watches the lines while the write thread parses, types, inserts and commits the previous
// batch, so the two halves of the hot path overlap instead of taking turns. Reads (the API, status, the demo's
// sample) use a read-only connection on this thread, which in WAL mode never waits for the writer.
// A write thread that dies (a native crash, out of memory) is started again on the next request, and what it
// had in hand is asked of the new thread once more here. It may have committed it before it died: a batch
// carries a key, and the new thread finds that key's receipt and does not store the batch twice (schema.ts,
// V7); a gap or a channel state is written so that writing it twice stores it once. A write that fails again
// is looked up by its receipt here; not committed, it is rejected, stays queued in the BatchWriter and is
// written again under a new key.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { JsonPage, ListQuery, Page } from '../query.js';
import type { ChannelState, Gap, ReceivedLine, Store, StoreStatus, WriteResult } from '../store.js';
import { openSqliteStore, SqliteStoreError, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { ReadPool } from './read-pool.js';
import { fromThreadError } from './thread-error.js';
import { settleReplies, type Pending } from './thread-replies.js';
import type { WriteReply, WriteRequest, WriteWorkerData } from './write-worker.js';

type Request = WriteRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A request the write thread did not answer because it stopped: whether it was written is not known. */
class WriteThreadStopped extends SqliteStoreError {}

/** The write thread's heap: a batch in hand and the parse of it, not the reader's caches. */
const WRITE_THREAD_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 };

export class ThreadedSqliteStore implements Store {
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** This store's writes are keyed writer:seq (WriteKey). */
  private readonly writer = randomUUID();
  private writeSeq = 0;

  private constructor(readonly path: string, private readonly options: SqliteStoreOptions, private readonly reader: SqliteStore) {}

  /** Opens (creating file and schema on first use) the database at `path`, with its write thread. */
  static async open(path: string, options: Omit<SqliteStoreOptions, 'readonly'> = {}): Promise<ThreadedSqliteStore> {
    if (path === ':memory:') throw new SqliteStoreError('a threaded store needs a database file (":memory:" is private to one connection)', path);
    const worker = await startWorker(path, options);
    let reader: SqliteStore;
    try {
      reader = openSqliteStore(path, { readonly: true });
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    const store = new ThreadedSqliteStore(path, options, reader);
    store.adopt(worker);
    return store;
  }

  async write(batch: readonly ReceivedLine[]): Promise<WriteResult> {
    if (batch.length === 0) return { lines: 0, rows: {}, duplicates: 0, malformed: 0 };
    const lines = new Array<string>(batch.length);
    const receivedMs = new Float64Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]!;
      lines[i] = item.line;
      receivedMs[i] = item.receivedMs;
    }
    // Not transferred: asked again of a new thread, the request still needs its times.
    const key = { writer: this.writer, seq: ++this.writeSeq };
    try {
      return (await this.requestAgainIfStopped({ op: 'write', lines, receivedMs, key })) as WriteResult;
    } catch (err) {
      // However it failed (its thread stopped twice, a new thread could not start, the database was locked for
      // the one asked again), no thread holds this write any more: its receipt says for good whether it was
      // committed. Rejected, the BatchWriter writes the batch again under a new key (review).
      const stored = this.reader.db.open ? this.reader.committedWrite(key) : null;
      if (stored !== null) return stored;
      throw err;
    }
  }

  async recordGap(gap: Gap): Promise<void> {
    await this.requestAgainIfStopped({ op: 'gap', gap });
  }

  async setChannelState(state: ChannelState): Promise<void> {
    await this.requestAgainIfStopped({ op: 'channel', state });
  }

  /** Whether a file with this content hash was imported completely before. */
  isImported(sha256: string): boolean {
    return this.reader.isImported(sha256);
  }

  async markImported(sha256: string, path: string, lines: number): Promise<void> {
    await this.request({ op: 'imported', sha256, path, lines });
  }

  status(): Promise<StoreStatus> {
    return this.reader.status();
  }

  /** From now on list queries run on these read threads (read-pool.ts); closed with the store. */
  useReadPool(pool: ReadPool): void {
    this.reader.useReadPool(pool);
  }

  list(query: ListQuery): Promise<Page> {
    return this.reader.list(query);
  }

  listJson(query: ListQuery): Promise<JsonPage | null> {
    return this.reader.listJson(query);
  }

  ping(): Promise<boolean> {
    return this.reader.ping();
  }

  /** Closes the reader's connection, then has the thread write what it has in hand and close its own (last checkpoint included). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The reader first (its users, the API, are stopped before the store): the last connection to close
    // removes the WAL and shared-memory files, and only a writing one can.
    await this.reader.close();
    // A thread starting again for a write asked before close() would otherwise outlive the store.
    await this.starting?.catch(() => undefined);
    if (this.worker !== null) {
      const worker = this.worker;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      await this.request({ op: 'close' });
      await exited;
    }
  }

  private async request(request: Request): Promise<unknown> {
    if (this.closed && request.op !== 'close') throw new SqliteStoreError(`${this.path}: store is closed`, this.path);
    const worker = this.worker ?? (await (this.starting ??= this.restart()));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  /** A request whose thread stopped before answering is asked once more, of a new thread (for idempotent and keyed ops). */
  private async requestAgainIfStopped(request: Request): Promise<unknown> {
    try {
      return await this.request(request);
    } catch (err) {
      if (!(err instanceof WriteThreadStopped) || this.closed) throw err;
      return this.request(request);
    }
  }

  private async restart(): Promise<Worker> {
    try {
      const worker = await startWorker(this.path, this.options);
      this.adopt(worker);
      return worker;
    } finally {
      this.starting = null;
    }
  }

  private adopt(worker: Worker): void {
    this.worker = worker;
    // A request in hand when the thread stops may or may not have been written: WriteThreadStopped says so.
    settleReplies(worker, this.pending, (code, failure) => {
      if (this.worker === worker) this.worker = null;
      return failure === null
        ? new WriteThreadStopped(`${this.path}: the write thread stopped (exit code ${code})`, this.path)
        : new WriteThreadStopped(`${this.path}: the write thread failed: ${failure.message}`, this.path, { cause: failure });
    });
  }
}

/** Starts a write thread and waits until it has the database open (schema created or migrated). */
function startWorker(path: string, options: SqliteStoreOptions): Promise<Worker> {
  const data: WriteWorkerData = { path, options };
  const worker = new Worker(new URL('./write-worker.js', import.meta.url), { workerData: data, resourceLimits: WRITE_THREAD_LIMITS });
  return new Promise((resolve, reject) => {
    const settled = () => {
      worker.off('message', onMessage);
      worker.off('error', fail);
      worker.off('exit', exited);
    };
    const fail = (err: Error) => {
      settled();
      void worker.terminate();
      reject(err);
    };
    // A thread that ends before it says whether the database opened (killed, out of memory) is a failure too.
    const exited = (code: number) => fail(new SqliteStoreError(`${path}: the write thread stopped before opening the database (exit code ${code})`, path));
    const onMessage = (reply: WriteReply) => {
      if (!('ready' in reply)) return;
      settled();
      if (reply.ready) resolve(worker);
      else fail(new SqliteStoreError(reply.error.message, path, { cause: fromThreadError(reply.error) }));
    };
    worker.on('message', onMessage);
    worker.once('error', fail);
    worker.once('exit', exited);
  });
}
