// A real SQLite file in a temp dir, filled through store.write, served by startApi on a free loopback port.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type ApiOptions, type RunningApi } from '../../src/api/server.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { parseEvent } from '../../src/twitch/map.js';

export interface Served {
  store: SqliteStore;
  api: RunningApi;
  dbPath: string;
  /** GET (or another method) on the API; the body is parsed as JSON when the response says so. */
  get(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; text: string; json: unknown }>;
  close(): Promise<void>;
}

/** Opens a fresh database file in its own temp directory. */
export function tempStore(prefix: string): { store: SqliteStore; dbPath: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `saltmine-${prefix}-`));
  const dbPath = join(dir, 'saltmine.db');
  return { store: openSqliteStore(dbPath), dbPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes lines through the store as the collector would, in batches; receive time = tmi-sent-ts or `receivedMs`. */
export async function importLines(store: SqliteStore, lines: readonly string[], receivedMs = Date.UTC(2024, 0, 1)): Promise<void> {
  for (let i = 0; i < lines.length; i += 5000) {
    const batch = lines.slice(i, i + 5000).map((line) => ({ line, receivedMs: parseEvent(line).tmiSentTs ?? receivedMs }));
    await store.write(batch);
  }
}

export async function serve(prefix: string, lines: readonly string[], options: Omit<ApiOptions, 'store'> = {}): Promise<Served> {
  const { store, dbPath, remove } = tempStore(prefix);
  await importLines(store, lines);
  const api = await startApi({ store, port: 0, ...options });
  return {
    store,
    api,
    dbPath,
    async get(path, init) {
      const response = await fetch(api.url + path, init);
      const text = await response.text();
      const json = (response.headers.get('content-type') ?? '').startsWith('application/json') ? (JSON.parse(text) as unknown) : undefined;
      return { status: response.status, headers: response.headers, text, json };
    },
    async close() {
      await api.close();
      await store.close();
      remove();
    },
  };
}

export type Rows = Record<string, unknown>[];

/** A JSON list response: asserts the envelope (`key`, `count`, `next`) and returns its rows. */
export function listOf(json: unknown, key: string): { rows: Rows; next: string | null } {
  const body = json as Record<string, unknown>;
  assert.ok(Array.isArray(body[key]), `response has a "${key}" array: ${JSON.stringify(body).slice(0, 200)}`);
  const rows = body[key] as Rows;
  assert.equal(body['count'], rows.length, 'count is the number of rows');
  assert.ok(body['next'] === null || typeof body['next'] === 'string', 'next is a string or null');
  return { rows, next: body['next'] as string | null };
}
