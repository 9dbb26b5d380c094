// Schema 4 → 5 on files with rows: privmsg is rebuilt (message-key index and trigger instead of the UNIQUE
// index; timestamp and received_ms computed), and everything must read and de-duplicate as before.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { corpusLines } from '../irc/corpus.js';
import { RESOURCES, type Resource } from '../../src/store/query.js';
import { explainList } from '../../src/store/sqlite/query.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { parseEvent } from '../../src/twitch/map.js';
import { openSqliteStore, SqliteStoreError, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { count, received, rowsOf, tempDir } from './helpers.js';

const dir = tempDir('schema5');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A line of an old log: no tags, so no tmi-sent-ts and no message id. */
const OLD_LOG_LINE = ':oldtimer!oldtimer@oldtimer.tmi.twitch.tv PRIVMSG #oldchan :hello from 2014';
const REAL = [...corpusLines('twitch-lines.txt'), OLD_LOG_LINE];
/** Every other line: the rest come later to the migrated file. */
const EVEN = REAL.filter((_, i) => i % 2 === 0 || i === REAL.length - 1);

/**
 * A schema 4 file holding what the writer makes of `lines`: written at schema 5, then every table copied into
 * a file made by migrations 1–4 (column by column, by name: the values are the ones schema 4's writer stored).
 */
async function schema4File(name: string, lines: readonly string[]): Promise<string> {
  const source = join(dir, `${name}-source.db`);
  const store = openSqliteStore(source);
  await store.write(lines.map((line) => received(line)));
  await store.close();
  const path = join(dir, `${name}.db`);
  const db = new BetterSqlite3(path);
  for (const migration of MIGRATIONS.slice(0, 4)) db.exec(migration);
  db.pragma('user_version = 4');
  db.pragma('foreign_keys = OFF');
  db.prepare('ATTACH ? AS source').run(source);
  const tables = db.prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'privmsg_fts%'").pluck().all() as string[];
  for (const table of tables) {
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).map((c) => `"${c}"`).join(', ');
    db.exec(`INSERT INTO main."${table}" (${columns}) SELECT ${columns} FROM source."${table}"`);
  }
  db.exec("INSERT INTO privmsg_fts (privmsg_fts) VALUES ('rebuild')");
  db.close();
  return path;
}

const LISTED: readonly Resource[] = (Object.keys(RESOURCES) as Resource[]).filter((r) => r !== 'user');

async function everyListing(store: SqliteStore): Promise<Record<string, unknown>> {
  const pages: Record<string, unknown> = {};
  for (const resource of LISTED) pages[resource] = await store.list({ resource, order: 'asc', limit: 10_000 });
  pages['users'] = await store.list({ resource: 'user', order: 'asc', limit: 10_000 });
  pages['search'] = await store.list({ resource: 'privmsg', text: 'a*', order: 'desc', limit: 10_000 });
  return pages;
}

const SCHEMA4_COLUMNS = 'SELECT serial, timestamp, tmi_sent_ts, received_ms, room_id, raw_id, user_id, message_id, msg_content, bits, reply_msg_id FROM privmsg ORDER BY serial';

describe('a schema 4 database with rows', () => {
  it('answers the same once migrated, with the same privmsg values, and de-duplicates as a schema 5 file does', async () => {
    const path = await schema4File('migrated', EVEN);
    const old = openSqliteStore(path, { readonly: true });
    const before = await everyListing(old);
    const oldRows = rowsOf(old, SCHEMA4_COLUMNS);
    const oldColumns = old.db.prepare('SELECT * FROM privmsg LIMIT 0').columns().map((c) => c.name);
    await old.close();
    assert.ok(oldRows.length > 20 && oldRows.some((r) => r['tmi_sent_ts'] === null), `rows with and without tmi-sent-ts: ${oldRows.length}`);

    const fresh = openSqliteStore(join(dir, 'fresh.db'));
    await fresh.write(EVEN.map((line) => received(line)));
    const expected = await fresh.write(REAL.map((line) => received(line)));
    await fresh.close();

    const store = openSqliteStore(path);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.equal(count(store, 'sqlite_schema', "name = 'privmsg_message_id'"), 0, 'the UNIQUE index is gone');
      assert.ok(count(store, 'sqlite_stat1', "tbl = 'privmsg'") > 0, 'planner statistics of the rebuilt table');
      assert.deepEqual(await everyListing(store), before);
      assert.deepEqual(rowsOf(store, SCHEMA4_COLUMNS), oldRows);
      assert.deepEqual(store.db.prepare('SELECT * FROM privmsg LIMIT 0').columns().map((c) => c.name), [...oldColumns, 'received_offset'], 'SELECT * gives the same columns in the same order, then received_offset');
      const written = await store.write(REAL.map((line) => received(line)));
      assert.deepEqual(written, expected);
      assert.ok(written.duplicates > 50 && (written.rows['privmsg'] ?? 0) > 20, JSON.stringify(written));
    } finally {
      await store.close();
    }
  });

  it('is served read-only without migrating: cheers still show their text', async () => {
    const path = await schema4File('readonly', REAL);
    const source = openSqliteStore(join(dir, 'readonly-source.db'), { readonly: true });
    const store = openSqliteStore(path, { readonly: true });
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), 4);
      const plan = explainList(store.readDb, { resource: 'bits', order: 'asc', limit: 100 });
      assert.ok(plan.some((step) => step.startsWith('SEARCH p USING INDEX privmsg_message_id (message_id=?)')), `the text of a cheer through the UNIQUE index:\n${plan.join('\n')}`);
      const page = await store.list({ resource: 'bits', order: 'asc', limit: 100 });
      assert.ok(page.rows.length > 0 && page.rows.every((row) => typeof row['msg_content'] === 'string'));
      assert.deepEqual(page, await source.list({ resource: 'bits', order: 'asc', limit: 100 }));
    } finally {
      await source.close();
      await store.close();
    }
  });

  it('is refused, left as it was, when a privmsg timestamp is neither its tmi_sent_ts nor its received_ms', async () => {
    const path = await schema4File('inconsistent', REAL.slice(0, 20));
    const db = new BetterSqlite3(path);
    db.exec('UPDATE privmsg SET timestamp = timestamp + 1 WHERE serial = (SELECT min(serial) FROM privmsg)');
    const rows = db.prepare('SELECT count(*) FROM privmsg').pluck().get();
    db.close();
    assert.throws(() => openSqliteStore(path), (err: unknown) => err instanceof SqliteStoreError && err.message.includes('CHECK constraint failed'));
    const left = new BetterSqlite3(path, { readonly: true });
    try {
      assert.equal(left.pragma('user_version', { simple: true }), 4);
      assert.equal(left.prepare('SELECT count(*) FROM privmsg').pluck().get(), rows);
    } finally {
      left.close();
    }
  });
});

describe('privmsg at schema 5', () => {
  it('computes timestamp and received_ms from tmi_sent_ts and received_offset', async () => {
    const store = openSqliteStore(join(dir, 'computed.db'));
    try {
      const line = REAL.find((l) => l.includes(' PRIVMSG ') && l.includes('tmi-sent-ts='))!;
      const event = parseEvent(line);
      await store.write([{ line, receivedMs: event.tmiSentTs! + 345 }]);
      assert.deepEqual(rowsOf(store, 'SELECT timestamp, tmi_sent_ts, received_ms, received_offset FROM privmsg'),
        [{ timestamp: event.tmiSentTs, tmi_sent_ts: event.tmiSentTs, received_ms: event.tmiSentTs! + 345, received_offset: 345 }]);
      const columns = rowsOf(store, "SELECT name, type, hidden FROM pragma_table_xinfo('privmsg') WHERE name IN ('timestamp', 'received_ms')");
      assert.deepEqual(columns, [{ name: 'timestamp', type: 'INTEGER', hidden: 2 }, { name: 'received_ms', type: 'INTEGER', hidden: 2 }], 'VIRTUAL generated columns');
    } finally {
      await store.close();
    }
  });
});
