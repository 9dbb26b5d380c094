// WAL checkpoints off the writer's thread. With SQLite's automatic checkpoint the COMMIT that crosses 1000 WAL
// pages copies them into the database file itself, stalling ingest for the whole copy; here the writer's
// connection has wal_autocheckpoint = 0 and a worker thread with its own connection checkpoints (PASSIVE) once
// the WAL has grown, while the writer keeps committing. journal_size_limit (set by the store) lets SQLite cut
// the WAL file back when it starts over after a complete checkpoint.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { CheckpointResult, CheckpointWorkerData } from './checkpoint-worker.js';

export interface CheckpointerOptions {
  intervalMs?: number;
  minWalBytes?: number;
}

/** Emits 'checkpoint' (CheckpointResult) after each checkpoint and 'error' if the thread fails. */
export class Checkpointer extends EventEmitter {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, options: CheckpointerOptions = {}) {
    super();
    const data: CheckpointWorkerData = { path, intervalMs: options.intervalMs ?? 250, minWalBytes: options.minWalBytes ?? 4 * 2 ** 20 };
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: data });
    this.worker.unref(); // a lifeline of the store, never what keeps a process running
    this.worker.on('message', (result: CheckpointResult) => this.emit('checkpoint', result));
    this.worker.on('error', (err) => this.emit('error', err));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Stops the thread and waits until its connection is closed. */
  async close(): Promise<void> {
    this.worker.ref(); // the caller waits for it now
    this.worker.postMessage('close');
    await this.exited;
  }
}
