// A read thread of a ReadPool (read-pool.ts): its own read-only connection, answering list queries one at a
// time. better-sqlite3 is synchronous, so on the API's own thread every query would hold up every other request
// (and a slow search or export all of them); here a query blocks only this thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { Cursor, JsonPage, ListQuery } from '../query.js';
import { PageArena, type ArenaPlace, type PageArenaData } from './page-arena.js';
import { openSqliteStore } from './sqlite-store.js';
import { toThreadError } from './thread-error.js';
import type { ThreadReply } from './thread-replies.js';

export interface ReadWorkerData {
  path: string;
  /** This connection's share of the read page cache (the threads together keep what one connection would). */
  cacheKiB: number;
  /** Where JSON pages are handed over. */
  arena: PageArenaData;
}

/** A JSON page whose rows were written into the arena, not sent with the reply. */
export interface PlacedJsonPage {
  placed: ArenaPlace;
  count: number;
  next: Cursor | null;
}

/** Owner → thread. */
export interface ReadRequest {
  id: number;
  op: 'list' | 'listJson';
  query: ListQuery;
}


const port = parentPort!;
const { path, cacheKiB, arena: arenaData } = workerData as ReadWorkerData;
const arena = new PageArena(arenaData);
const store = openSqliteStore(path, { readonly: true });
store.readDb.pragma(`cache_size = -${cacheKiB}`);

const isJsonPage = (value: unknown): value is JsonPage => typeof value === 'object' && value !== null && 'json' in value;

port.on('message', (request: ReadRequest) => {
  // Both answer synchronously underneath: one request is finished before the next message is read.
  const answer = request.op === 'listJson' ? store.listJson(request.query) : store.list(request.query);
  answer.then(
    (value) => {
      if (!isJsonPage(value)) return port.postMessage({ id: request.id, ok: true, value } satisfies ThreadReply);
      const placed = arena.put(value.json);
      if (placed !== null) {
        const page: PlacedJsonPage = { placed, count: value.count, next: value.next };
        return port.postMessage({ id: request.id, ok: true, value: page } satisfies ThreadReply);
      }
      // No slot: the bytes are handed over, not copied, when they fill their buffer (the page made it for this
      // answer alone); a part of a buffer, which might be shared (Node's pool), is copied instead.
      const { json } = value;
      const whole = json.byteOffset === 0 && json.byteLength === json.buffer.byteLength;
      port.postMessage({ id: request.id, ok: true, value } satisfies ThreadReply, whole ? [json.buffer as ArrayBuffer] : []);
    },
    (err: unknown) => port.postMessage({ id: request.id, ok: false, error: toThreadError(err) } satisfies ThreadReply),
  );
});
