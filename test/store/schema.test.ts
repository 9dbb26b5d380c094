// The SQLite schema on real files: created on first open, kept on reopen, upgraded from an older version,
// refused when newer; the seed's tables and columns; the indexes the API's queries need.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore, SqliteStoreError } from '../../src/store/sqlite/sqlite-store.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { archivedLines, count, EVENT_TABLES, received, rowsOf, tempDir } from './helpers.js';

const dir = tempDir('schema');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A database file as schema 3 left it (zlib raw blocks, full-text index with token counts), with room 1001. */
function schema3Database(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path);
  for (const migration of MIGRATIONS.slice(0, 3)) db.exec(migration);
  db.pragma('user_version = 3');
  db.exec("INSERT INTO room (room_id, room_name) VALUES ('1001', '#chan')");
  return db;
}

const PRIVMSG = '@badge-info=;badges=;color=#FF0000;display-name=Alice;emotes=;flags=;id=11111111-0000-4000-8000-000000000001;mod=0;room-id=1001;subscriber=0;tmi-sent-ts=1600000000000;turbo=0;user-id=2001;user-type= :alice!alice@alice.tmi.twitch.tv PRIVMSG #chan :hello';

/**
 * The seed's tables and columns (twitch-irc-data-collection-tool.md, "Database Schema"). Names are kept;
 * types are not always: `timestamp` and `tmi_sent_ts` are INTEGER ms since the epoch by design (the seed's
 * TIMESTAMP text had one-second resolution and keyed user_in_room on it), so ranges compare as numbers.
 */
const SEED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  user: ['user_id', 'login', 'display_name', 'user_type', 'turbo', 'created'],
  room: ['room_id', 'room_name', 'created'],
  user_in_room: ['timestamp', 'user_id', 'room_id', 'badges', 'badge_info', 'subscriber', 'sub_streak', 'vip', 'mod'],
  privmsg: ['serial', 'timestamp', 'tmi_sent_ts', 'message_id', 'source_message_id', 'room_id', 'source_room_id', 'user_id', 'color',
    'returning_chatter', 'first_msg', 'flags', 'emotes', 'msg_content', 'reply_user_id', 'reply_msg_id', 'reply_msg_body', 'thread_user_id', 'thread_msg_id'],
  announcement: ['serial', 'room_id', 'user_id', 'display_name', 'timestamp', 'msg_content'],
  subscription: ['serial', 'user_id', 'room_id', 'timestamp', 'tmi_sent_ts', 'msg_id', 'source_msg_id', 'cumulative_months', 'months',
    'multimonth_duration', 'multimonth_tenure', 'should_share_streak', 'sub_plan_name', 'sub_plan', 'was_gifted', 'system_msg'],
  subgift: ['serial', 'user_id', 'room_id', 'timestamp', 'tmi_sent_ts', 'msg_id', 'source_msg_id', 'community_gift_id', 'fun_string',
    'gift_months', 'months', 'origin_id', 'recipient_id', 'recipient_display_name', 'recipient_user_name', 'sender_count', 'sub_plan_name',
    'sub_plan', 'system_msg'],
  submysterygift: ['serial', 'user_id', 'room_id', 'timestamp', 'tmi_sent_ts', 'msg_id', 'source_msg_id', 'community_gift_id',
    'contribution_type', 'current_contributions', 'target_contributions', 'user_contributions', 'mass_gift_count', 'origin_id', 'sub_plan',
    'system_msg'],
  bits: ['serial', 'user_id', 'room_id', 'source_room_id', 'timestamp', 'bits'],
  bitsbadgetier: ['serial', 'room_id', 'user_id', 'timestamp', 'msg_param_threshold', 'system_msg'],
  raid: ['serial', 'user_id', 'room_id', 'source_room_id', 'timestamp', 'tmi_sent_ts', 'msg_id', 'source_msg_id', 'msg_param_displayName',
    'msg_param_login', 'msg_param_profileImageURL', 'msg_param_viewerCount', 'system_msg'],
  viewermilestone: ['serial', 'room_id', 'user_id', 'display_name', 'timestamp', 'streak', 'system_msg'],
  payforward: ['serial', 'user_id', 'room_id', 'timestamp', 'tmi_sent_ts', 'msg_id', 'source_msg_id', 'prior_gifter_anonymous',
    'prior_gifter_id', 'prior_gifter_display_name', 'prior_gifter_user_name', 'recipient_id', 'recipient_display_name',
    'recipient_user_name', 'system_msg'],
  paidupgrade: ['serial', 'user_id', 'room_id', 'timestamp', 'tmi_sent_ts', 'msg_id', 'source_msg_id', 'sender_login', 'sender_name',
    'sub_plan', 'system_msg'],
  onetapgift: ['serial', 'user_id', 'room_id', 'timestamp', 'tmi_sent_ts', 'msg_id', 'source_msg_id', 'bits_spent', 'gift_id',
    'user_display_name', 'system_msg'],
  roomstate: ['timestamp', 'room_id', 'emote_only', 'followers_only', 'r9k', 'slow', 'subs_only'],
  userlist: ['serial', 'timestamp', 'room_name', 'room_id', 'username', 'join_part'],
};

/** Beyond the seed: the raw archive, moderation, notices, whispers, USERNOTICEs without a table, collector state. */
const ADDED_TABLES = ['raw_block', 'clearchat', 'clearmsg', 'notice', 'whisper', 'usernotice', 'roomstate_change', 'gap', 'channel_state', 'import'];

type Db = BetterSqlite3.Database;

function columnsOf(db: Db, table: string): Map<string, string> {
  // table_xinfo: table_info leaves out generated columns (privmsg.timestamp and received_ms, schema 5).
  const rows = db.prepare('SELECT name, type FROM pragma_table_xinfo(?)').all(table) as { name: string; type: string }[];
  return new Map(rows.map((r) => [r.name, r.type]));
}

/** Each index of a table as its column list, e.g. `room_id,timestamp`, with whether it is unique. */
function indexesOf(db: Db, table: string): { columns: string; unique: boolean }[] {
  const list = db.prepare('SELECT name, "unique" AS u FROM pragma_index_list(?)').all(table) as { name: string; u: number }[];
  return list.map(({ name, u }) => ({
    columns: (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(name) as { name: string | null }[]).map((c) => c.name ?? '<expr>').join(','),
    unique: u === 1,
  }));
}

function hasIndex(db: Db, table: string, columns: string, unique = false): boolean {
  return indexesOf(db, table).some((index) => index.columns.startsWith(columns) && (!unique || (index.unique && index.columns === columns)));
}

describe('a new database file', () => {
  const path = join(dir, 'sub', 'dir', 'new.db');
  const store = openSqliteStore(path);
  after(() => store.close());

  it('is opened with better-sqlite3 v12 (v13 crashes on Node 20)', () => {
    const { version } = createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string };
    assert.match(version, /^12\./);
  });

  it('is created with its directory, in WAL mode, with foreign keys enforced, at the newest schema version', () => {
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  });

  it("has every seed table with the seed's column names", () => {
    for (const [table, seedColumns] of Object.entries(SEED_COLUMNS)) {
      const columns = columnsOf(store.db, table);
      assert.ok(columns.size > 0, `table ${table} exists`);
      for (const column of seedColumns) assert.ok(columns.has(column), `${table}.${column} exists`);
    }
  });

  it('stores timestamp and tmi_sent_ts as INTEGER ms, and every event table has tmi_sent_ts, received_ms and raw_id', () => {
    for (const table of EVENT_TABLES) {
      const columns = columnsOf(store.db, table);
      assert.equal(columns.get('timestamp'), 'INTEGER', `${table}.timestamp`);
      assert.equal(columns.get('tmi_sent_ts'), 'INTEGER', `${table}.tmi_sent_ts`);
      assert.equal(columns.get('received_ms'), 'INTEGER', `${table}.received_ms`);
      assert.ok(columns.has('raw_id'), `${table}.raw_id`);
    }
  });

  it('has the tables beyond the seed', () => {
    for (const table of ADDED_TABLES) assert.ok(columnsOf(store.db, table).size > 0, `table ${table} exists`);
    assert.ok(columnsOf(store.db, 'usernotice').has('tags'), 'usernotice keeps all tags');
  });

  it("has the indexes the API's queries use: room + time, user + time, message id", () => {
    const userColumn: Record<string, string | null> = { roomstate_change: null, notice: null, userlist: 'username', clearchat: 'target_user_id', clearmsg: 'login' };
    for (const table of EVENT_TABLES) {
      if (table !== 'whisper') assert.ok(hasIndex(store.db, table, 'room_id,timestamp'), `${table}(room_id, timestamp)`);
      const user = table in userColumn ? userColumn[table] : 'user_id';
      if (user) assert.ok(hasIndex(store.db, table, `${user},timestamp`), `${table}(${user}, timestamp)`);
      assert.ok(hasIndex(store.db, table, 'timestamp'), `${table}(timestamp)`);
    }
    // The writer de-duplicates privmsg through (room_id, timestamp), without an index on ids (message-lookup.test.ts).
    assert.equal(count(store, 'sqlite_schema', "type = 'index' AND tbl_name = 'privmsg' AND sql LIKE '%message_id%'"), 0);
    assert.equal(count(store, 'sqlite_schema', "type = 'trigger'"), 0, 'no triggers: each insert costs what it says');
    assert.ok(hasIndex(store.db, 'bits', 'message_id', true), 'bits(message_id) unique');
    for (const table of ['announcement', 'subscription', 'subgift', 'submysterygift', 'bitsbadgetier', 'raid', 'viewermilestone', 'payforward', 'paidupgrade', 'onetapgift', 'usernotice']) {
      assert.ok(hasIndex(store.db, table, 'msg_id', true), `${table}(msg_id) unique`);
    }
    assert.ok(hasIndex(store.db, 'clearmsg', 'target_msg_id', true), 'clearmsg(target_msg_id) unique');
    assert.ok(hasIndex(store.db, 'whisper', 'thread_id,message_id', true), 'whisper(thread_id, message_id) unique');
    assert.ok(hasIndex(store.db, 'user_in_room', 'room_id,timestamp'), 'user_in_room(room_id, timestamp)');
  });
});

describe('reopening', () => {
  it('keeps the data and the schema version', async () => {
    const path = join(dir, 'reopen.db');
    const first = openSqliteStore(path);
    await first.write([received(PRIVMSG)]);
    await first.close();
    const second = openSqliteStore(path);
    try {
      assert.equal(second.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.equal(count(second, 'privmsg'), 1);
      assert.equal(count(second, 'user', 'user_id = ?', '2001'), 1);
    } finally {
      await second.close();
    }
  });

  it('upgrades a database of schema version 1, keeping its rows', async () => {
    const path = join(dir, 'v1.db');
    const old = new BetterSqlite3(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO whisper (timestamp, received_ms, message_id, thread_id, msg_content) VALUES (1, 1, '1', 'a_b', 'hi')").run();
    old.close();
    const store = openSqliteStore(path);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.deepEqual(rowsOf(store, 'SELECT message_id, thread_id, msg_content FROM whisper'), [{ message_id: '1', thread_id: 'a_b', msg_content: 'hi' }]);
      assert.ok(hasIndex(store.db, 'clearchat', 'target_login,timestamp'), 'migration 2 ran');
    } finally {
      await store.close();
    }
  });

  it('upgrades a schema 3 database to Brotli raw blocks and a smaller full-text index, keeping what it held', async () => {
    const path = join(dir, 'v3.db');
    // Two messages, the first in the full-text index, the second not (recorded with search off), and their
    // lines in a zlib block, as schema 3 wrote them.
    const old = schema3Database(path);
    const insert = old.prepare("INSERT INTO privmsg (serial, timestamp, received_ms, room_id, message_id, msg_content, raw_id) VALUES (?, 1, 1, '1001', ?, ?, ?)");
    insert.run(1, 'a', 'indexed words here', 65536);
    insert.run(2, 'b', 'unindexed words here', 65537);
    old.prepare("INSERT INTO privmsg_fts (rowid, msg_content) VALUES (1, 'indexed words here')").run();
    old.prepare('INSERT INTO raw_block (id, first_ms, last_ms, count, data) VALUES (1, 1000, 1002, 2, ?)').run(deflateSync(Buffer.from('0,2\nfirst line\nsecond line')));
    old.close();

    const store = openSqliteStore(path);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      const match = (word: string) => rowsOf(store, 'SELECT rowid FROM privmsg_fts WHERE privmsg_fts MATCH ?', word).map((r) => r['rowid']);
      assert.deepEqual(match('words'), [1], 'the same messages are indexed as before');
      assert.deepEqual(match('indexed'), [1]);
      assert.equal(count(store, 'sqlite_master', "name = 'privmsg_fts_docsize'"), 0, 'no per-message token counts');
      assert.deepEqual([...store.raw.lines([65536, 65537]).values()].map((l) => [l.line, l.receivedMs]), [['first line', 1000], ['second line', 1002]]);

      await store.write([received(PRIVMSG)]);
      assert.deepEqual(rowsOf(store, 'SELECT codec FROM raw_block ORDER BY id').map((r) => r['codec']), ['deflate', 'br']);
      assert.deepEqual(match('hello'), [3], 'new messages are indexed');
      assert.deepEqual(archivedLines(store), ['first line', 'second line', PRIVMSG]);
    } finally {
      await store.close();
    }
  });

  it('serves a schema 3 database opened read-only (not migrated): rows and raw lines', async () => {
    const path = join(dir, 'v3-readonly.db');
    const old = schema3Database(path);
    old.prepare("INSERT INTO privmsg (serial, timestamp, received_ms, room_id, message_id, msg_content, raw_id) VALUES (1, 1, 1, '1001', 'a', 'hi', 65536)").run();
    old.prepare('INSERT INTO raw_block (id, first_ms, last_ms, count, data) VALUES (1, 1000, 1000, 1, ?)').run(deflateSync(Buffer.from('0\nthe line')));
    old.close();
    const store = openSqliteStore(path, { readonly: true });
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), 3, 'a read-only open migrates nothing');
      const page = await store.list({ resource: 'privmsg', limit: 10, order: 'desc' });
      assert.deepEqual(page.rows.map((r) => r['msg_content']), ['hi']);
      assert.deepEqual(archivedLines(store), ['the line']);
    } finally {
      await store.close();
    }
  });

  it('refuses a database of a newer schema version with an error naming the file', () => {
    const path = join(dir, 'future.db');
    const future = new BetterSqlite3(path);
    future.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    future.close();
    assert.throws(() => openSqliteStore(path), (err: unknown) => {
      assert.ok(err instanceof SqliteStoreError);
      assert.equal(err.path, path);
      assert.match(err.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: database schema version ${MIGRATIONS.length + 1} is newer`));
      return true;
    });
  });

  it('names the path when the database cannot be opened', () => {
    const path = join(dir, 'missing', 'readonly.db');
    assert.throws(() => openSqliteStore(path, { readonly: true }), (err: unknown) => err instanceof SqliteStoreError && err.message.includes(path));
  });
});
