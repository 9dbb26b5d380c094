// Page cursors: opaque to clients (base64url of the sort key of the last row, and the order it was read in).
import type { Cursor } from '../store/query.js';
import { badRequest } from './errors.js';

export type Order = 'asc' | 'desc';

export interface DecodedCursor {
  order: Order;
  after: Cursor;
}

export const CURSOR_PATTERN = '^[A-Za-z0-9_-]{1,200}$';

export function encodeCursor(order: Order, after: Cursor): string {
  return Buffer.from(JSON.stringify([order === 'asc' ? 'a' : 'd', after[0], after[1]]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): DecodedCursor {
  const invalid = () => badRequest('cursor: not a cursor this API returned (pass the `next` value of a previous page unchanged)');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 3) throw invalid();
  const [order, time, tie] = value as unknown[];
  if ((order !== 'a' && order !== 'd') || !Number.isSafeInteger(time)) throw invalid();
  if (!Number.isSafeInteger(tie) && !(typeof tie === 'string' && tie.length <= 100)) throw invalid();
  return { order: order === 'a' ? 'asc' : 'desc', after: [time as number, tie as number | string] };
}
