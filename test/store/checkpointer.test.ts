// WAL checkpoints on their own thread, against real SQLite files: the writer's connection never checkpoints,
// the thread does (the database file takes the data, the WAL is cut back), and close leaves no WAL and every row.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Checkpointer } from '../../src/store/sqlite/checkpointer.js';
import type { CheckpointResult } from '../../src/store/sqlite/checkpoint-worker.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { count, received, tempDir } from './helpers.js';

const dir = tempDir('checkpointer');
after(() => rmSync(dir, { recursive: true, force: true }));

const sizeOf = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

/** A writer connection as the store sets it up: WAL, no automatic checkpoint, WAL cut back to 1 MiB. */
function writerDb(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${2 ** 20}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)');
  return db;
}

function writeMiB(db: BetterSqlite3.Database, mib: number): void {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const body = Buffer.alloc(4096, 7);
  for (let i = 0; i < mib * 256; i++) insert.run(body);
}

describe('Checkpointer', () => {
  it('copies the WAL into the database file from its own thread, and the WAL shrinks once it starts over', async () => {
    const path = join(dir, 'thread.db');
    const db = writerDb(path);
    writeMiB(db, 8);
    const walBefore = sizeOf(`${path}-wal`);
    assert.ok(walBefore > 8 * 2 ** 20, `the writer did not checkpoint (WAL ${walBefore} bytes)`);
    const fileBefore = sizeOf(path);
    const checkpointer = new Checkpointer(path, { intervalMs: 10, minWalBytes: 2 ** 20 });
    const keepAlive = setInterval(() => undefined, 1000); // the thread is unref'd: something must keep the test running
    const [result] = await once(checkpointer, 'checkpoint') as [CheckpointResult];
    clearInterval(keepAlive);
    assert.equal(result.busy, 0);
    assert.equal(result.checkpointed, result.log, 'every frame copied');
    assert.ok(sizeOf(path) > fileBefore + 8 * 2 ** 20, 'the database file took the data');
    // The next commit starts the WAL over and cuts the file back to journal_size_limit.
    db.prepare('INSERT INTO t (body) VALUES (?)').run(Buffer.alloc(10));
    assert.ok(sizeOf(`${path}-wal`) <= 2 ** 20, `WAL ${sizeOf(`${path}-wal`)} bytes after the checkpoint`);
    await checkpointer.close();
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 8 * 256 + 1);
    db.close();
  });

  it('closes cleanly without ever having checkpointed', async () => {
    const path = join(dir, 'idle.db');
    writerDb(path).close();
    const checkpointer = new Checkpointer(path, { intervalMs: 60_000 });
    await checkpointer.close();
  });
});

describe('SqliteStore with the checkpoint thread', () => {
  it('turns the automatic checkpoint off, and leaves an empty WAL and every row after close while a reader stays open', async () => {
    const path = join(dir, 'store.db');
    const store = openSqliteStore(path);
    assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 0);
    const n = 3000;
    const batch = Array.from({ length: n }, (_, i) => received(`@id=00000000-0000-4000-8000-${String(i).padStart(12, '0')};room-id=1;user-id=2;tmi-sent-ts=${1_600_000_000_000 + i} :u!u@u.tmi.twitch.tv PRIVMSG #c :${'x'.repeat(400)} ${i}`));
    for (let i = 0; i < n; i += 100) await store.write(batch.slice(i, i + 100));
    // A reader (the API beside a collector) keeps SQLite from deleting the WAL on close: only TRUNCATE empties it.
    const reader = new BetterSqlite3(path, { readonly: true });
    assert.equal((reader.prepare('SELECT count(*) AS n FROM privmsg').get() as { n: number }).n, n);
    await store.close();
    assert.equal(sizeOf(`${path}-wal`), 0, 'the WAL is empty after close');
    reader.close();
    const reopened = openSqliteStore(path);
    assert.equal(count(reopened, 'privmsg'), n);
    await reopened.close();
  });
});
