// An error as it crosses between a store thread (write-worker.ts, read-worker.ts) and its owner: structured
// clone keeps only plain fields, so the fields the owner acts on are carried by name and the error rebuilt.
import { QueryError } from '../query.js';

export interface ThreadError {
  name: string;
  message: string;
  /** SQLite's code (SQLITE_BUSY, SQLITE_FULL), which the log shows. */
  code?: string;
  /** A QueryError's parameter, which the API's 400 names. */
  parameter?: string;
  /** The stack in the thread: the rebuilt error's stack says where in the thread it happened, not where its answer arrived. */
  stack?: string;
}

/** What of `err` crosses to the owner. */
export function toThreadError(err: unknown): ThreadError {
  const { name = 'Error', message = String(err), code, parameter, stack } = err as Error & { code?: unknown; parameter?: unknown };
  return {
    name,
    message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof parameter === 'string' ? { parameter } : {}),
    ...(typeof stack === 'string' ? { stack } : {}),
  };
}

/** The error again, on the owner's side, with the same fields: a QueryError as itself (the API answers it 400), any other as an Error. */
export function fromThreadError(error: ThreadError): Error {
  const rebuilt = error.name === 'QueryError' && error.parameter !== undefined ? new QueryError(error.message, error.parameter) : new Error(error.message);
  return Object.assign(rebuilt, error);
}
