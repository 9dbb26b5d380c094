// Shared by the store tests: real SQLite files in a temp dir, corpus lines as received events, row reads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvent } from '../../src/twitch/map.js';
import type { ReceivedLine } from '../../src/store/store.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.js';

/** Receive time given to lines without a tmi-sent-ts (old logs, server lines). */
export const RECEIVED_MS = 1_700_000_000_000;

export interface TempStore {
  store: SqliteStore;
  dir: string;
  path: string;
  /** Closes the store and deletes the directory. */
  dispose(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `saltmine-${prefix}-`));
}

export function openTempStore(prefix: string, options: SqliteStoreOptions = {}): TempStore {
  const dir = tempDir(prefix);
  const path = join(dir, 'test.db');
  const store = openSqliteStore(path, options);
  return {
    store, dir, path,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A line as the collector would hand it over: received at its tmi-sent-ts, else at `receivedMs`. */
export function received(line: string, receivedMs = RECEIVED_MS): ReceivedLine {
  return { line, receivedMs: parseEvent(line).tmiSentTs ?? receivedMs };
}

export function count(store: SqliteStore, table: string, where = '1', ...params: unknown[]): number {
  return (store.db.prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`).get(...params) as { n: number }).n;
}

export function rowsOf(store: SqliteStore, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  return store.db.prepare(sql).all(...params) as Record<string, unknown>[];
}

/** One row, failing when there is not exactly one. */
export function rowOf(store: SqliteStore, sql: string, ...params: unknown[]): Record<string, unknown> {
  const rows = rowsOf(store, sql, ...params);
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql} ${JSON.stringify(params)}`);
  return rows[0]!;
}

/** Every archived line, in arrival order. */
export function archivedLines(store: SqliteStore): string[] {
  return [...store.raw.scan()].map((raw) => raw.line);
}

/** Tables that hold one row per event, with tmi_sent_ts, received_ms and raw_id (schema.ts EVENT columns). */
export const EVENT_TABLES = [
  'privmsg', 'bits', 'announcement', 'subscription', 'subgift', 'submysterygift', 'bitsbadgetier', 'raid',
  'viewermilestone', 'payforward', 'paidupgrade', 'onetapgift', 'usernotice', 'roomstate_change', 'userlist',
  'clearchat', 'clearmsg', 'notice', 'whisper',
] as const;
