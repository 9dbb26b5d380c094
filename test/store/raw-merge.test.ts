// Small raw blocks merged into large rows (raw-merge.ts) on real SQLite files: every line keeps its raw id and
// receive time, pages of /api/raw stay whole and in order, the run survives a restart, and a merge that fails
// leaves the blocks as written without undoing the write it followed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { decodeRow, encodeBlock, RawReader, rawIdOf } from '../../src/store/sqlite/raw-archive.js';
import { MERGE_LINES, SMALL_BLOCK_LINES } from '../../src/store/sqlite/raw-merge.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import type { Row } from '../../src/store/query.js';
import { archivedLines, count, openTempStore, rowsOf, tempDir, type TempStore } from './helpers.js';

const T0 = 1_700_000_000_000;

/** Line n: a chat message with its own id (so it has a privmsg row pointing at its raw line). */
function line(n: number): string {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return `@badge-info=;badges=;color=#FF0000;display-name=u${n % 50};emotes=;flags=;id=${id};mod=0;room-id=1001;subscriber=0;tmi-sent-ts=${T0 + n};turbo=0;user-id=${2000 + (n % 50)};user-type= :u${n % 50}!u${n % 50}@u${n % 50}.tmi.twitch.tv PRIVMSG #chan :message number ${n}`;
}

/** Lines from..to-1 written in batches of `batch`, each line received 7 ms after its number. */
async function record(store: SqliteStore, from: number, to: number, batch: number): Promise<string[]> {
  const warnings: string[] = [];
  for (let n = from; n < to; n += batch) {
    const numbers = Array.from({ length: Math.min(batch, to - n) }, (_, i) => n + i);
    const result = await store.writeLines(numbers.map(line), numbers.map((k) => T0 + k + 7));
    warnings.push(...(result.warnings ?? []));
  }
  return warnings;
}

const rawRows = (store: SqliteStore) => rowsOf(store, 'SELECT id, blocks, count FROM raw_block ORDER BY id') as { id: number; blocks: number; count: number }[];

/** Every privmsg row's raw_id finds its own line, received when it was. */
function assertRawIdsResolve(store: SqliteStore, numbers: number): void {
  const rows = rowsOf(store, 'SELECT raw_id, msg_content FROM privmsg ORDER BY serial') as { raw_id: number; msg_content: string }[];
  assert.equal(rows.length, numbers);
  // A reader of its own, asked from the last line back: each merged row is first found through its last block.
  const found = new RawReader(store.readDb).lines(rows.map((r) => r.raw_id).reverse());
  for (const row of rows) {
    const n = Number(row.msg_content.slice('message number '.length));
    assert.deepEqual(found.get(row.raw_id), { id: row.raw_id, receivedMs: T0 + n + 7, line: line(n) }, `line ${n}`);
  }
}

async function reopen(t: TempStore): Promise<TempStore> {
  const store = openSqliteStore(t.path);
  return { ...t, store, dispose: async () => { await store.close(); await t.dispose(); } };
}

describe('merging small raw blocks', () => {
  it(`merges a quiet recording's blocks into one row once they hold ${MERGE_LINES} lines, and every raw id still finds its line`, async () => {
    const t = openTempStore('raw-merge');
    try {
      const total = MERGE_LINES + 40;
      assert.deepEqual(await record(t.store, 0, total, 8), []);
      assert.deepEqual(rawRows(t.store), [
        { id: MERGE_LINES / 8, blocks: MERGE_LINES / 8, count: MERGE_LINES },
        ...Array.from({ length: 5 }, (_, i) => ({ id: MERGE_LINES / 8 + 1 + i, blocks: 1, count: 8 })),
      ]);
      assertRawIdsResolve(t.store, total);
      assert.deepEqual(archivedLines(t.store), Array.from({ length: total }, (_, n) => line(n)));
      const status = await t.store.status();
      assert.equal(status.tables['raw'], total);
      assert.equal(status.lastReceivedMs, T0 + total - 1 + 7);
    } finally {
      await t.dispose();
    }
  });

  it('merges the small blocks a large block follows, and leaves the large one as written', async () => {
    const t = openTempStore('raw-merge-large');
    try {
      await record(t.store, 0, 15, 5);
      await record(t.store, 15, 15 + SMALL_BLOCK_LINES, SMALL_BLOCK_LINES);
      await record(t.store, 15 + SMALL_BLOCK_LINES, 20 + SMALL_BLOCK_LINES, 5);
      assert.deepEqual(rawRows(t.store), [
        { id: 3, blocks: 3, count: 15 },
        { id: 4, blocks: 1, count: SMALL_BLOCK_LINES },
        { id: 5, blocks: 1, count: 5 },
      ]);
      assertRawIdsResolve(t.store, 20 + SMALL_BLOCK_LINES);
    } finally {
      await t.dispose();
    }
  });

  it('merges what a recording ended with when it closes; a store opened after a crash finds that run and goes on with it', async () => {
    let t = openTempStore('raw-merge-close');
    try {
      await record(t.store, 0, 6, 2);
      await t.store.close();
      t = await reopen(t);
      assert.deepEqual(rawRows(t.store), [{ id: 3, blocks: 3, count: 6 }]);
      // Block ids go on after every block the merged row holds (it has the last one's id).
      await record(t.store, 6, 10, 2);
      assert.deepEqual(rawRows(t.store).map((r) => r.id), [3, 4, 5]);
      t.store.db.close(); // a crash: the store is not closed, nothing is merged
      t = await reopen(t);
      await record(t.store, 10, 11, 1);
      await t.store.close();
      t = await reopen(t);
      assert.deepEqual(rawRows(t.store), [{ id: 3, blocks: 3, count: 6 }, { id: 6, blocks: 3, count: 5 }]);
      assertRawIdsResolve(t.store, 11);
      assert.deepEqual(archivedLines(t.store), Array.from({ length: 11 }, (_, n) => line(n)));
    } finally {
      await t.dispose();
    }
  });

  it('pages /api/raw across merged rows with a cursor, both ways, every line once and in order', async () => {
    const t = openTempStore('raw-merge-pages');
    try {
      await record(t.store, 0, 40, 3);
      await record(t.store, 40, 40 + SMALL_BLOCK_LINES, SMALL_BLOCK_LINES);
      await record(t.store, 40 + SMALL_BLOCK_LINES, 60 + SMALL_BLOCK_LINES, 3);
      await t.store.close();
      const store = openSqliteStore(t.path);
      try {
        assert.ok(rawRows(store).filter((r) => r.blocks > 1).length >= 2, 'merged rows on both sides of the large block');
        const expected = Array.from({ length: 60 + SMALL_BLOCK_LINES }, (_, n) => line(n));
        for (const order of ['asc', 'desc'] as const) {
          const seen: Row[] = [];
          let page = await store.list({ resource: 'raw', order, limit: 7 });
          seen.push(...page.rows);
          while (page.next !== null) {
            page = await store.list({ resource: 'raw', order, limit: 7, after: page.next });
            seen.push(...page.rows);
          }
          assert.deepEqual(seen.map((r) => r['line']), order === 'asc' ? expected : [...expected].reverse(), order);
        }
        const window = await store.list({ resource: 'raw', order: 'asc', limit: 100, fromMs: T0 + 10 + 7, toMs: T0 + 20 + 7 });
        assert.deepEqual(window.rows.map((r) => r['line']), expected.slice(10, 20));
      } finally {
        await store.close();
        await t.dispose();
      }
    } catch (err) {
      await t.dispose();
      throw err;
    }
  });

  it('that fails leaves the blocks as written, keeps the write it followed, and says so in that write\'s result', async () => {
    const t = openTempStore('raw-merge-fails');
    try {
      t.store.db.exec("CREATE TEMP TRIGGER refuse_merge BEFORE UPDATE ON main.raw_block BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
      const warnings = await record(t.store, 0, MERGE_LINES, 16);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, new RegExp(`merging blocks 1–${MERGE_LINES / 16} failed, they stay as written: disk says no`));
      assert.equal(count(t.store, 'raw_block'), MERGE_LINES / 16);
      assert.equal(count(t.store, 'privmsg'), MERGE_LINES);
      assertRawIdsResolve(t.store, MERGE_LINES);
      t.store.db.exec('DROP TRIGGER refuse_merge');
      assert.deepEqual(await record(t.store, MERGE_LINES, 2 * MERGE_LINES, 16), []);
      assert.deepEqual(rawRows(t.store).map((r) => r.blocks), [...Array.from({ length: MERGE_LINES / 16 }, () => 1), MERGE_LINES / 16]);
      assertRawIdsResolve(t.store, 2 * MERGE_LINES);
    } finally {
      await t.dispose();
    }
  });
});

describe('merged rows beside other versions', () => {
  it('a block an older saltmine writes after a merge (its next id is max(id) + 1) gets an id no merged row holds', async () => {
    const t = openTempStore('raw-merge-older-writer');
    try {
      await record(t.store, 0, 6, 2);
      await t.store.close();
      const db = new BetterSqlite3(t.path);
      const older = await encodeBlock([line(6), line(7)], [T0 + 6 + 7, T0 + 7 + 7]);
      db.prepare('INSERT INTO raw_block (id, first_ms, last_ms, count, malformed, codec, data) SELECT max(id) + 1, ?, ?, 2, 0, ?, ? FROM raw_block')
        .run(older.firstMs, older.lastMs, older.codec, older.data);
      db.close();
      const store = openSqliteStore(t.path, { readonly: true });
      try {
        assert.deepEqual(rawRows(store), [{ id: 3, blocks: 3, count: 6 }, { id: 4, blocks: 1, count: 2 }]);
        const ids = [rawIdOf(1, 0), rawIdOf(2, 1), rawIdOf(3, 1), rawIdOf(4, 0), rawIdOf(4, 1)];
        assert.deepEqual([...new RawReader(store.readDb).lines(ids.reverse()).values()].map((r) => r.line).reverse(), [line(0), line(3), line(5), line(6), line(7)]);
      } finally {
        await store.close();
      }
    } finally {
      await t.dispose();
    }
  });

  it('a reader opened on a schema 5 file before a writer migrated it and merged reads the merged rows right', async () => {
    const dir = tempDir('raw-merge-stale-reader');
    const path = join(dir, 'schema5.db');
    try {
      const old = new BetterSqlite3(path);
      for (const migration of MIGRATIONS.slice(0, 5)) old.exec(migration);
      old.pragma('user_version = 5');
      old.close();
      const serve = openSqliteStore(path, { readonly: true });
      try {
        const reader = serve.raw; // prepared now, on a raw_block without the blocks column
        assert.deepEqual(reader.lines([rawIdOf(1, 0)]), new Map());
        const collect = openSqliteStore(path);
        await record(collect, 0, 8, 2);
        await collect.close();
        assert.deepEqual([...reader.scan()].map((r) => r.line), Array.from({ length: 8 }, (_, n) => line(n)));
        const found = reader.lines([rawIdOf(4, 1), rawIdOf(2, 0)]);
        assert.deepEqual([found.get(rawIdOf(4, 1))?.line, found.get(rawIdOf(2, 0))?.line], [line(7), line(2)]);
      } finally {
        await serve.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a merged row', () => {
  it('decodes to each block\'s lines under that block\'s ids, and refuses block counts that do not add up', async () => {
    const encoded = await encodeBlock(['a', 'b', 'c', 'd'], [T0, T0 + 1, T0 + 2, T0 + 3], [1, 3]);
    assert.equal(encoded.blocks, 2);
    assert.equal(encoded.codec, 'br-merged', 'a codec of its own: a reader that knows only br fails instead of misreading it');
    assert.deepEqual(decodeRow(10, encoded.firstMs, encoded.codec, encoded.data), {
      firstBlock: 9,
      starts: [0, 1, 4],
      lines: [
        { id: rawIdOf(9, 0), receivedMs: T0, line: 'a' },
        { id: rawIdOf(10, 0), receivedMs: T0 + 1, line: 'b' },
        { id: rawIdOf(10, 1), receivedMs: T0 + 2, line: 'c' },
        { id: rawIdOf(10, 2), receivedMs: T0 + 3, line: 'd' },
      ],
    });
    const wrong = await encodeBlock(['a', 'b', 'c'], [T0, T0, T0], [1, 3]);
    assert.throws(() => decodeRow(10, wrong.firstMs, wrong.codec, wrong.data), /raw_block 10: holds 3 lines, but its block counts add up to 4/);
  });
});
