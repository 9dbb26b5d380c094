// Read threads for the API (read-worker.ts): list queries run on them, each with its own read-only connection,
// so the API's thread only routes requests and sends answers, and queries run side by side on several cores.
// In WAL mode readers never block each other or the writer. A query goes to the thread with the fewest in
// hand. A thread that dies is replaced on the next query; the queries it had in hand fail (the API answers 500).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JsonPage, ListQuery, Page } from '../query.js';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-worker.js';
import { READ_CACHE_KIB, SqliteStoreError } from './sqlite-store.js';
import { fromThreadError } from './thread-error.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** The number of read threads `setting` asks for: itself, or for 0 one per core, at most 4. */
export function readThreadCount(setting: number): number {
  return setting > 0 ? setting : Math.min(4, availableParallelism());
}

export class ReadPool {
  private readonly threads: (Thread | null)[];
  private nextId = 1;
  private closed = false;

  constructor(readonly path: string, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`read threads: a whole number ≥ 1, not ${size}`);
    this.threads = Array.from({ length: size }, () => null);
    for (let i = 0; i < size; i++) this.threads[i] = this.start(i);
  }

  get size(): number {
    return this.threads.length;
  }

  list(query: ListQuery): Promise<Page> {
    return this.request('list', query) as Promise<Page>;
  }

  async listJson(query: ListQuery): Promise<JsonPage | null> {
    const page = (await this.request('listJson', query)) as JsonPage | null;
    // The bytes arrive as a plain Uint8Array: a Buffer over the same memory, as the store's own thread gives.
    return page === null ? null : { ...page, json: Buffer.from(page.json.buffer, page.json.byteOffset, page.json.byteLength) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Nothing to finish: a read has no effect, and the queries in hand belong to requests being torn down.
    await Promise.all(this.threads.map((thread) => thread?.worker.terminate()));
  }

  private request(op: ReadRequest['op'], query: ListQuery): Promise<unknown> {
    if (this.closed) return Promise.reject(new SqliteStoreError(`${this.path}: store is closed`, this.path));
    let best = 0;
    for (let i = 0; i < this.threads.length; i++) {
      const size = this.threads[i]?.pending.size ?? 0;
      if (size < (this.threads[best]?.pending.size ?? 0)) best = i;
    }
    const thread = (this.threads[best] ??= this.start(best));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, op, query } satisfies ReadRequest);
    });
  }

  private start(slot: number): Thread {
    const data: ReadWorkerData = { path: this.path, cacheKiB: Math.max(16 * 1024, Math.floor(READ_CACHE_KIB / this.threads.length)) };
    const worker = new Worker(new URL('./read-worker.js', import.meta.url), { workerData: data });
    // The API's server keeps the process running, not idle read threads.
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: ReadReply) => {
      const pending = thread.pending.get(reply.id);
      if (pending === undefined) return;
      thread.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(fromThreadError(reply.error));
    });
    // 'error' precedes 'exit' when the thread throws (the database could not be opened, say).
    let failure: Error | null = null;
    worker.on('error', (err) => {
      failure = err;
    });
    worker.on('exit', (code) => {
      if (this.threads[slot] === thread) this.threads[slot] = null;
      const error = failure ?? new SqliteStoreError(`${this.path}: a read thread stopped (exit code ${code})`, this.path);
      for (const pending of thread.pending.values()) pending.reject(error);
      thread.pending.clear();
    });
    return thread;
  }
}
