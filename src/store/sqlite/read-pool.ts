// Read threads for the API (read-worker.ts): list queries run on them, each with its own read-only connection,
// so the API's thread only routes requests and sends answers, and queries run side by side on several cores.
// In WAL mode readers never block each other or the writer. A query goes to the thread with the fewest in
// hand. A thread that dies is replaced on the next query; the queries it had in hand fail (the API answers 500).
// A thread that fails (an error, or gone before it answered anything: the file deleted, unreadable, not a
// database) is replaced only after a wait that doubles with each failure, so a broken file does not make every
// request start a thread. Queries go to the other slots meanwhile, or, when every slot waits, are refused at
// once with what stopped the thread.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { JsonPage, ListQuery, Page } from '../query.js';
import { HEAD_ROOM, PageArena, TAIL_ROOM } from './page-arena.js';
import type { PlacedJsonPage, ReadRequest, ReadWorkerData } from './read-worker.js';
import { READ_CACHE_KIB, SqliteStoreError } from './sqlite-store.js';
import { settleReplies, type Pending } from './thread-replies.js';

interface Thread {
  worker: Worker;
  /** Where its JSON pages arrive. */
  arena: PageArena;
  pending: Map<number, Pending>;
  /** It answered a query: it had the database open. */
  answered: boolean;
}

/** A slot's last thread failed: no new one before `retryAt`; the next failure waits twice `delayMs` (at most LAST_RETRY_MS). */
interface Backoff {
  error: SqliteStoreError;
  delayMs: number;
  retryAt: number;
}

interface Slot {
  thread: Thread | null;
  backoff: Backoff | null;
}

/** close() waits this long at most for the queries in hand. */
const CLOSE_WAIT_MS = 5_000;
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/** The number of read threads `setting` asks for: itself, or for 0 one per core, at most 4. */
export function readThreadCount(setting: number): number {
  return setting > 0 ? setting : Math.min(4, availableParallelism());
}

export class ReadPool {
  private readonly slots: Slot[];
  private nextId = 1;
  private closed = false;
  /** Queries asked and not yet answered (close lets them finish). */
  private readonly inHand = new Set<Promise<unknown>>();

  constructor(readonly path: string, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`read threads: a whole number ≥ 1, not ${size}`);
    this.slots = Array.from({ length: size }, () => ({ thread: null, backoff: null }));
    for (const slot of this.slots) slot.thread = this.start(slot);
  }

  get size(): number {
    return this.slots.length;
  }

  list(query: ListQuery): Promise<Page> {
    return this.request('list', query) as Promise<Page>;
  }

  async listJson(query: ListQuery): Promise<JsonPage | null> {
    let arena: PageArena | null = null;
    const page = (await this.request('listJson', query, (thread) => (arena = thread.arena))) as JsonPage | PlacedJsonPage | null;
    if (page === null) return null;
    if ('placed' in page) {
      const { slot } = page.placed;
      let released = false;
      const release = () => {
        if (!released) arena!.release(slot);
        released = true;
      };
      return { json: arena!.rows(page.placed), count: page.count, next: page.next, frame: { before: HEAD_ROOM, after: TAIL_ROOM, release } };
    }
    // The bytes arrive as a plain Uint8Array: a Buffer over the same memory, as the store's own thread gives.
    return { ...page, json: Buffer.from(page.json.buffer, page.json.byteOffset, page.json.byteLength) };
  }

  /**
   * Refuses new queries, lets those in hand finish (a read takes milliseconds; their requests are still
   * answered, not failed with a stopped thread, e.g. when the server shuts down under load), then stops the threads.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([Promise.allSettled(this.inHand), late]);
    clearTimeout(timer);
    await Promise.all(this.slots.map((slot) => slot.thread?.worker.terminate()));
  }

  /** `sent` learns the thread the query went to. */
  private request(op: ReadRequest['op'], query: ListQuery, sent?: (thread: Thread) => void): Promise<unknown> {
    if (this.closed) return Promise.reject(new SqliteStoreError(`${this.path}: store is closed`, this.path));
    const now = Date.now();
    let best: Slot | null = null;
    for (const slot of this.slots) {
      if (slot.thread === null && slot.backoff !== null && now < slot.backoff.retryAt) continue;
      if (best === null || (slot.thread?.pending.size ?? 0) < (best.thread?.pending.size ?? 0)) best = slot;
    }
    if (best === null) return Promise.reject(this.refusal(this.slots[0]!.backoff!));
    const thread = (best.thread ??= this.start(best));
    sent?.(thread);
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, op, query } satisfies ReadRequest);
    });
    this.inHand.add(answer);
    const settled = () => this.inHand.delete(answer);
    answer.then(settled, settled);
    return answer;
  }

  /** A query refused while every slot waits out its backoff: what stopped the last thread, fresh for this query. */
  private refusal(backoff: Backoff): SqliteStoreError {
    return new SqliteStoreError(`${backoff.error.message} (no new read thread for ${backoff.delayMs} ms)`, this.path, { cause: backoff.error.cause });
  }

  private start(slot: Slot): Thread {
    const arena = new PageArena();
    const data: ReadWorkerData = { path: this.path, cacheKiB: Math.max(16 * 1024, Math.floor(READ_CACHE_KIB / this.slots.length)), arena: arena.data };
    const worker = new Worker(new URL('./read-worker.js', import.meta.url), { workerData: data });
    // The API's server keeps the process running, not idle read threads.
    worker.unref();
    const thread: Thread = { worker, arena, pending: new Map(), answered: false };
    // Any answer means the thread had the database open.
    worker.on('message', () => {
      thread.answered = true;
      slot.backoff = null;
    });
    settleReplies(worker, thread.pending, (code, failure) => {
      if (slot.thread === thread) slot.thread = null;
      const error = failure === null
        ? new SqliteStoreError(`${this.path}: a read thread stopped (exit code ${code})`, this.path)
        : new SqliteStoreError(`${this.path}: a read thread failed: ${failure.message}`, this.path, { cause: failure });
      if (failure !== null || !thread.answered) {
        const delayMs = slot.backoff === null ? FIRST_RETRY_MS : Math.min(LAST_RETRY_MS, slot.backoff.delayMs * 2);
        slot.backoff = { error, delayMs, retryAt: Date.now() + delayMs };
      }
      return error;
    });
    return thread;
  }
}
