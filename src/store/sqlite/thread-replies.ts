// A store thread's answers (write-worker.ts, read-worker.ts) as its owner receives them: each request carries
// an id, the reply with that id settles it, and a thread that stops fails every request it still had in hand.
import type { Worker } from 'node:worker_threads';
import { fromThreadError, type ThreadError } from './thread-error.js';

export interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Thread → owner: the answer to request `id`. */
export type ThreadReply =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: ThreadError };

/**
 * Settles `pending` from the thread's replies (messages without an id are left to other listeners). When the
 * thread exits, what it still holds is rejected with the error `stopped` makes of the exit code and of what
 * the thread threw (null if nothing: 'error' precedes 'exit' when it throws).
 */
export function settleReplies(worker: Worker, pending: Map<number, Pending>, stopped: (code: number, failure: Error | null) => Error): void {
  worker.on('message', (reply: ThreadReply | object) => {
    if (!('id' in reply)) return;
    const request = pending.get(reply.id);
    if (request === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) request.resolve(reply.value);
    else request.reject(fromThreadError(reply.error));
  });
  let failure: Error | null = null;
  worker.on('error', (err) => {
    failure = err;
  });
  worker.on('exit', (code) => {
    const error = stopped(code, failure);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  });
}
