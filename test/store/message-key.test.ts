// Schema 5: privmsg is de-duplicated by a trigger over an index of the message id's last 8 characters
// (instead of a UNIQUE index on the whole id). It must drop exactly what the UNIQUE index dropped, for any
// writer, stay an index lookup, and a schema 4 database with rows must answer the same once migrated.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { corpusLines } from '../irc/corpus.js';
import { RESOURCES, type Resource } from '../../src/store/query.js';
import { messageId } from '../../src/sim/corpus.js';
import { explainList } from '../../src/store/sqlite/query.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { openSqliteStore, SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { archivedLines, count, openTempStore, received, rowsOf, tempDir } from './helpers.js';

const dir = tempDir('message-key');
after(() => rmSync(dir, { recursive: true, force: true }));

const REAL = corpusLines('twitch-lines.txt');

const insertSql = "INSERT INTO privmsg (timestamp, received_ms, message_id, msg_content) VALUES (1, 1, ?, 'hi')";

/** The trigger's lookup, as a statement of its own: NEW.message_id bound as ?. */
function dedupeLookup(db: BetterSqlite3.Database): string {
  const sql = (db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'privmsg_once'").pluck().get() as string | undefined) ?? '';
  const exists = /EXISTS \((SELECT .*?)\)\s*BEGIN/s.exec(sql);
  assert.ok(exists, `privmsg_once looks up the message id: ${sql}`);
  return exists[1]!.replaceAll('NEW.message_id', '?');
}

describe('de-duplication by message key', () => {
  it('skips, without an error, a row whose message id is stored, whoever inserts it', async () => {
    const t = openTempStore('message-key-sql');
    try {
      const insert = t.store.db.prepare(insertSql);
      assert.equal(insert.run('11111111-0000-4000-8000-000000000001').changes, 1);
      assert.equal(insert.run('11111111-0000-4000-8000-000000000001').changes, 0, 'plain INSERT, no OR IGNORE: skipped, not refused');
      assert.equal(count(t.store, 'privmsg'), 1);
    } finally {
      await t.dispose();
    }
  });

  it('keeps ids that share their last 8 characters, and every row without an id', async () => {
    const t = openTempStore('message-key-suffix');
    try {
      const insert = t.store.db.prepare(insertSql);
      for (const id of ['aaaaaaaa-0000-4000-8000-000011111111', 'bbbbbbbb-0000-4000-8000-000011111111', '11111111', '1111111', null, null]) {
        assert.equal(insert.run(id).changes, 1, `id ${id}`);
      }
      assert.equal(insert.run('bbbbbbbb-0000-4000-8000-000011111111').changes, 0);
      assert.equal(insert.run('11111111').changes, 0);
      assert.equal(count(t.store, 'privmsg'), 6);
    } finally {
      await t.dispose();
    }
  });

  it("keys the simulator's ids (one run shares their first 8 characters) and random UUIDs one id a key", () => {
    const ids = [...Array.from({ length: 3000 }, (_, i) => messageId('5eed0001', i % 3, i)), ...Array.from({ length: 3000 }, () => randomUUID())];
    assert.equal(new Set(ids.map((id) => id.slice(-8))).size, ids.length);
  });

  it('drops exactly what the UNIQUE index of schema 4 dropped: a batch written twice, and repeats within a batch', async () => {
    const lines = REAL.map((line) => received(line));
    const writeTwice = async (store: SqliteStore) => [await store.write([...lines, ...lines]), await store.write(lines)];
    const old = schema4Store(join(dir, 'v4-dedupe.db'));
    const t = openTempStore('message-key-batch');
    try {
      const [first, again] = await writeTwice(t.store);
      assert.deepEqual([first, again], await writeTwice(old));
      const withoutId = lines.filter(({ event }) => event.type === 'privmsg' && event.id === null).length;
      assert.ok(first!.duplicates > 100 && again!.rows['privmsg'] === withoutId, `only messages without an id are stored again: ${JSON.stringify(again)}`);
      assert.equal(count(t.store, 'privmsg', 'message_id IS NOT NULL'), rowsOf(t.store, 'SELECT count(DISTINCT message_id) AS n FROM privmsg')[0]!['n']);
      assert.equal(archivedLines(t.store).length, lines.length * 3, 'the raw archive keeps every line');
    } finally {
      await old.close();
      await t.dispose();
    }
  });

  it('finds a stored id through the message-key index', async () => {
    const t = openTempStore('message-key-plan');
    try {
      const plan = (t.store.db.prepare(`EXPLAIN QUERY PLAN ${dedupeLookup(t.store.db)}`).all('x', 'x') as { detail: string }[]).map((s) => s.detail);
      assert.ok(plan.some((step) => step.includes('USING INDEX privmsg_message_key')), plan.join('\n'));
    } finally {
      await t.dispose();
    }
  });

  it('reads the text of a cheer from privmsg through the message-key index', async () => {
    const t = openTempStore('message-key-bits');
    try {
      const plan = explainList(t.store.readDb, { resource: 'bits', order: 'desc', limit: 10 });
      assert.ok(plan.some((step) => /^SEARCH p USING INDEX privmsg_message_key \(<expr>=\?\)/.test(step)), plan.join('\n'));
    } finally {
      await t.dispose();
    }
  });
});

/** A schema 4 database file, written by this saltmine's writer (which needs nothing of schema 5 to write). */
function schema4Store(path: string, create = true): SqliteStore {
  const db = new BetterSqlite3(path);
  if (create) {
    for (const migration of MIGRATIONS.slice(0, 4)) db.exec(migration);
    db.pragma('user_version = 4');
  }
  return new SqliteStore(db, path);
}

const LISTED: readonly Resource[] = (Object.keys(RESOURCES) as Resource[]).filter((r) => r !== 'raw' && r !== 'user');

async function everyListing(store: SqliteStore) {
  const pages: Record<string, unknown> = {};
  for (const resource of LISTED) pages[resource] = await store.list({ resource, order: 'asc', limit: 10_000 });
  pages['users'] = await store.list({ resource: 'user', order: 'asc', limit: 10_000 });
  pages['raw'] = await store.list({ resource: 'raw', order: 'asc', limit: 10_000 });
  return pages;
}

describe('a schema 4 database with rows', () => {
  it('answers the same once migrated, and de-duplicates as schema 4 does', async () => {
    const path = join(dir, 'v4.db');
    const half = Math.floor(REAL.length / 2);
    const old = schema4Store(path);
    await old.write(REAL.slice(0, half).map((line) => received(line)));
    const before = await everyListing(old);
    await old.close();
    // What schema 4 does with the same lines again: on a copy left at schema 4.
    copyFileSync(path, join(dir, 'v4-copy.db'));
    const copy = schema4Store(join(dir, 'v4-copy.db'), false);
    const expected = await copy.write(REAL.map((line) => received(line)));
    await copy.close();

    const store = openSqliteStore(path);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), 5);
      assert.equal(count(store, 'sqlite_schema', "name = 'privmsg_message_id'"), 0, 'the UNIQUE index is gone');
      assert.deepEqual(await everyListing(store), before);
      const written = await store.write(REAL.map((line) => received(line)));
      assert.deepEqual(written, expected);
      assert.ok(written.duplicates > 50 && (written.rows['privmsg'] ?? 0) > 50, JSON.stringify(written));
    } finally {
      await store.close();
    }
  });

  it('is served read-only without migrating: cheers still show their text', async () => {
    const path = join(dir, 'v4-readonly.db');
    const old = schema4Store(path);
    await old.write(REAL.map((line) => received(line)));
    const before = await old.list({ resource: 'bits', order: 'asc', limit: 100 });
    await old.close();
    const store = openSqliteStore(path, { readonly: true });
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), 4);
      const page = await store.list({ resource: 'bits', order: 'asc', limit: 100 });
      assert.ok(page.rows.length > 0 && page.rows.every((row) => typeof row['msg_content'] === 'string'));
      assert.deepEqual(page, before);
    } finally {
      await store.close();
    }
  });
});
