// The checkpoint thread (see checkpointer.ts): its own connection to the database, copying committed WAL frames
// into the database file while the writer goes on committing. A PASSIVE checkpoint never waits for the writer
// or for readers; whatever it could not copy is copied by the next one.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

export interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
  /** A checkpoint is run once the WAL file is at least this large. */
  minWalBytes: number;
}

/** Posted to the owner after each checkpoint (the columns of `PRAGMA wal_checkpoint`). */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const { path, intervalMs, minWalBytes } = workerData as CheckpointWorkerData;
const port = parentPort!;
const db = new BetterSqlite3(path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

function walBytes(): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0; // no WAL file (yet): nothing to copy
  }
}

const timer = setInterval(() => {
  if (walBytes() < minWalBytes) return;
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  port.postMessage(result);
}, intervalMs);

port.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});
