// The SQLite implementation of Store (better-sqlite3 v12; v13 crashes on Node 20).
// WAL: readers (the API) never block the writer, and a kill -9 never leaves the file corrupt.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { ChannelState, Gap, ReceivedEvent, Store, StoreStatus, WriteResult } from '../store.js';
import { EventRows } from './event-rows.js';
import { COUNTED_TABLES, MIGRATIONS } from './schema.js';

export interface SqliteStoreOptions {
  /** Maintain the full-text index of messages (costs ingest speed; on by default). */
  search?: boolean;
  readonly?: boolean;
}

export class SqliteStoreError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = 'SqliteStoreError';
  }
}

function migrate(db: Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new SqliteStoreError(`${path}: database schema version ${version} is newer than this saltmine knows (${MIGRATIONS.length}); upgrade saltmine`, path);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export class SqliteStore implements Store {
  private readonly rows: EventRows | null;
  private readonly writeBatch: ((batch: readonly ReceivedEvent[]) => WriteResult) | null;

  constructor(readonly db: Database, readonly path: string, options: SqliteStoreOptions = {}) {
    if (options.readonly) {
      this.rows = null;
      this.writeBatch = null;
      return;
    }
    const rows = new EventRows(db, options.search ?? true);
    this.rows = rows;
    this.writeBatch = db.transaction((batch: readonly ReceivedEvent[]): WriteResult => {
      const result: WriteResult = { lines: batch.length, rows: {}, duplicates: 0, malformed: 0 };
      for (const { event, receivedMs } of batch) {
        if (event.type === 'malformed') result.malformed++;
        if (!rows.write(event, receivedMs, result.rows) && event.id !== null) result.duplicates++;
      }
      return result;
    });
  }

  async write(batch: readonly ReceivedEvent[]): Promise<WriteResult> {
    if (this.writeBatch === null) throw new SqliteStoreError(`${this.path}: opened read-only`, this.path);
    try {
      return this.writeBatch(batch);
    } catch (err) {
      this.rows?.forgetCachedReferences();
      throw err;
    }
  }

  async recordGap(gap: Gap): Promise<void> {
    this.db.prepare('INSERT INTO gap (start_ms, end_ms, channels, reason) VALUES (?, ?, ?, ?)')
      .run(gap.startMs, gap.endMs, JSON.stringify(gap.channels), gap.reason);
  }

  async setChannelState(state: ChannelState): Promise<void> {
    this.db.prepare(`INSERT INTO channel_state (channel, state, detail, updated_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (channel) DO UPDATE SET state = excluded.state, detail = excluded.detail, updated_ms = excluded.updated_ms`)
      .run(state.channel, state.state, state.detail, state.updatedMs);
  }

  async status(): Promise<StoreStatus> {
    const tables: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      // max(rowid) would be faster on huge tables, but rowid tables here never delete, so count is exact and
      // user/room/user_in_room need a real count anyway.
      tables[table] = (this.db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    }
    const channels = (this.db.prepare('SELECT channel, state, detail, updated_ms FROM channel_state ORDER BY channel').all() as
      { channel: string; state: ChannelState['state']; detail: string | null; updated_ms: number }[])
      .map((r) => ({ channel: r.channel, state: r.state, detail: r.detail, updatedMs: r.updated_ms }));
    const lastGaps = (this.db.prepare('SELECT start_ms, end_ms, channels, reason FROM gap ORDER BY start_ms DESC LIMIT 5').all() as
      { start_ms: number; end_ms: number | null; channels: string; reason: string }[])
      .map((r) => ({ startMs: r.start_ms, endMs: r.end_ms, channels: JSON.parse(r.channels) as string[], reason: r.reason }));
    const last = this.db.prepare('SELECT received_ms FROM raw ORDER BY id DESC LIMIT 1').get() as { received_ms: number } | undefined;
    return { tables, channels, lastGaps, lastReceivedMs: last?.received_ms ?? null };
  }

  /** Whether a file with this content hash was imported completely before. */
  isImported(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM import WHERE sha256 = ?').get(sha256) !== undefined;
  }

  markImported(sha256: string, path: string, lines: number): void {
    this.db.prepare('INSERT OR REPLACE INTO import (sha256, path, lines, completed_ms) VALUES (?, ?, ?, ?)').run(sha256, path, lines, Date.now());
  }

  async ping(): Promise<boolean> {
    try {
      return this.db.open && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    if (!this.db.readonly) this.db.pragma('optimize');
    this.db.close();
  }
}

/** Opens (creating file, directory and schema on first use) the database at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  let db: Database;
  try {
    if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new SqliteStoreError(`cannot open database ${path}: ${(err as Error).message}`, path);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: durable against a process crash (kill -9); a power cut may lose the last commits.
      db.pragma('synchronous = NORMAL');
      migrate(db, path);
    }
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    return new SqliteStore(db, path, options);
  } catch (err) {
    db.close();
    if (err instanceof SqliteStoreError) throw err;
    throw new SqliteStoreError(`cannot use database ${path}: ${(err as Error).message}`, path);
  }
}
