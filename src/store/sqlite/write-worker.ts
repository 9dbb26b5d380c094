// The write thread of a ThreadedSqliteStore (threaded-store.ts): owns the one writing connection and does
// everything a batch costs besides reading the socket — parsing and typing the lines, the INSERTs, the
// COMMIT — so the socket thread goes on reading the next batch meanwhile. Batches come as the lines and their
// receive times: an array of strings is cheap to post (parsed objects cost as much to clone as to make).
import { parentPort, workerData } from 'node:worker_threads';
import type { ChannelState, Gap, WriteKey } from '../store.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import { toThreadError, type ThreadError } from './thread-error.js';
import type { ThreadReply } from './thread-replies.js';

export interface WriteWorkerData {
  path: string;
  options: SqliteStoreOptions;
}

/** Owner → thread. */
export type WriteRequest =
  | { id: number; op: 'write'; lines: string[]; receivedMs: Float64Array; key: WriteKey }
  | { id: number; op: 'gap'; gap: Gap }
  | { id: number; op: 'channel'; state: ChannelState }
  | { id: number; op: 'imported'; sha256: string; path: string; lines: number }
  | { id: number; op: 'close' };

/** Thread → owner: the answer to request `id`, or 'ready' once the database is open (or could not be). */
export type WriteReply =
  | ThreadReply
  | { ready: true }
  | { ready: false; error: ThreadError };

const port = parentPort!;
const { path, options } = workerData as WriteWorkerData;

let store: SqliteStore;
try {
  store = openSqliteStore(path, options);
  port.postMessage({ ready: true } satisfies WriteReply);
} catch (err) {
  port.postMessage({ ready: false, error: toThreadError(err) } satisfies WriteReply);
  port.close();
}

async function handle(request: WriteRequest): Promise<unknown> {
  switch (request.op) {
    case 'write':
      return store.writeLines(request.lines, request.receivedMs, request.key);
    case 'gap':
      return store.recordGap(request.gap);
    case 'channel':
      return store.setChannelState(request.state);
    case 'imported':
      return store.markImported(request.sha256, request.path, request.lines);
    case 'close':
      await store.close();
      return undefined;
  }
}

// One request at a time, in order: a write's transaction must not interleave with the next one's.
let chain: Promise<void> = Promise.resolve();
port.on('message', (request: WriteRequest) => {
  chain = chain.then(async () => {
    let reply: WriteReply;
    try {
      reply = { id: request.id, ok: true, value: await handle(request) };
    } catch (err) {
      reply = { id: request.id, ok: false, error: toThreadError(err) };
    }
    port.postMessage(reply);
    if (request.op === 'close') port.close();
  });
});
