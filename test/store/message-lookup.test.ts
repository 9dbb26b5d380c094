// Schema 8: no index on message ids. The writer de-duplicates privmsg through the (room_id, timestamp) index
// (a copy Twitch sends again has the same room, tmi-sent-ts and id), and a CLEARMSG keeps the serial of the
// message it deleted. Both must find exactly what an index on ids found, and stay index lookups.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { corpusLines } from '../irc/corpus.js';
import { parseEvent } from '../../src/twitch/map.js';
import { explainList } from '../../src/store/sqlite/query.js';
import { deletedMessage, MIGRATIONS, MODERATED_WINDOW, storedMessage } from '../../src/store/sqlite/schema.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { archivedLines, count, openTempStore, received, rowsOf, tempDir } from './helpers.js';

const REAL = corpusLines('twitch-lines.txt');
const dir = tempDir('message-lookup');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A privmsg line with this id and text, as Twitch sends it. */
const chat = (id: string | null, text = 'hi', sentMs = 1700000000000, roomId = '1') =>
  `@badges=;color=;display-name=a;emotes=;${id === null ? '' : `id=${id};`}room-id=${roomId};tmi-sent-ts=${sentMs};user-id=2;user-type= :a!a@a.tmi.twitch.tv PRIVMSG #c :${text}`;
const clearmsg = (targetId: string, sentMs: number, roomId = '1') =>
  `@login=a;room-id=${roomId};target-msg-id=${targetId};tmi-sent-ts=${sentMs} :tmi.twitch.tv CLEARMSG #c :hi`;
const id = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

const plan = (store: SqliteStore, sql: string, ...params: unknown[]) =>
  (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((s) => s.detail);

describe('de-duplication by room, time and message id', () => {
  it('skips a stored id; keeps other ids of the same millisecond, and every row without an id', async () => {
    const t = openTempStore('dedup-same-ms');
    try {
      const ids = ['aaaaaaaa-0000-4000-8000-000011111111', 'bbbbbbbb-0000-4000-8000-000011111111', '11111111', null, null];
      const first = await t.store.write(ids.map((id) => received(chat(id))));
      assert.equal(first.rows['privmsg'], 5);
      const again = await t.store.write(['bbbbbbbb-0000-4000-8000-000011111111', '11111111', null].map((id) => received(chat(id, 'again'))));
      assert.equal(again.rows['privmsg'], 1, 'only the line without an id');
      assert.equal(again.duplicates, 2);
      assert.equal(count(t.store, 'privmsg'), 6);
    } finally {
      await t.dispose();
    }
  });

  it('drops exactly what a UNIQUE index on message_id (schema 4) dropped: a batch written twice, and repeats within a batch', async () => {
    const lines = REAL.map((line) => received(line));
    const writeTwice = async (store: SqliteStore) => [await store.write([...lines, ...lines]), await store.write(lines)];
    const unique = openTempStore('dedup-unique');
    unique.store.db.exec('CREATE UNIQUE INDEX privmsg_message_id ON privmsg(message_id)');
    const t = openTempStore('dedup-batch');
    try {
      const [first, again] = await writeTwice(t.store);
      assert.deepEqual([first, again], await writeTwice(unique.store));
      const withoutId = lines.map(({ line }) => parseEvent(line)).filter((event) => event.type === 'privmsg' && event.id === null).length;
      assert.ok(first!.duplicates > 100 && again!.rows['privmsg'] === withoutId, `only messages without an id are stored again: ${JSON.stringify(again)}`);
      assert.equal(count(t.store, 'privmsg', 'message_id IS NOT NULL'), rowsOf(t.store, 'SELECT count(DISTINCT message_id) AS n FROM privmsg')[0]!['n']);
      assert.equal(archivedLines(t.store).length, lines.length * 3, 'the raw archive keeps every line');
      // The full-text index holds each stored message once, with its text: FTS5 checks it against privmsg.
      t.store.db.exec("INSERT INTO privmsg_fts (privmsg_fts, rank) VALUES ('integrity-check', 1)");
    } finally {
      await unique.dispose();
      await t.dispose();
    }
  });

  it('finds a copy sent again after newer messages of its room, in the same batch and in a later one', async () => {
    const t = openTempStore('dedup-older-copy');
    try {
      const first = await t.store.write([chat(id(1), 'a', 1700000000000), chat(id(2), 'b', 1700000000100), chat(id(1), 'a', 1700000000000)].map((l) => received(l)));
      assert.deepEqual([first.rows['privmsg'], first.duplicates], [2, 1]);
      const later = await t.store.write([chat(id(3), 'c', 1700000000200), chat(id(2), 'b', 1700000000100)].map((l) => received(l)));
      assert.deepEqual([later.rows['privmsg'], later.duplicates], [1, 1]);
      assert.equal(count(t.store, 'privmsg'), 3);
    } finally {
      await t.dispose();
    }
  });

  it('finds a message another connection stored after this one last wrote the room (an import in another process)', async () => {
    const t = openTempStore('dedup-other-writer');
    const other = openSqliteStore(t.path);
    try {
      await t.store.write([received(chat(id(1), 'a', 1700000000000))]);
      // Newer than anything this store wrote in the room: only the database knows it is stored.
      await other.write([received(chat(id(2), 'b', 1700000000500))]);
      const again = await t.store.write([received(chat(id(2), 'b', 1700000000500))]);
      assert.deepEqual([again.rows['privmsg'], again.duplicates], [undefined, 1]);
      assert.equal(count(t.store, 'privmsg'), 2);
    } finally {
      await other.close();
      await t.dispose();
    }
  });

  it('stores a line with an id but no tmi-sent-ts again: it has no time of its own to be found by', async () => {
    const t = openTempStore('dedup-no-time');
    try {
      const line = chat(id(5)).replace(';tmi-sent-ts=1700000000000', '');
      assert.ok(!line.includes('tmi-sent-ts'));
      await t.store.write([received(line), received(line)]); // an import stamps both with the same time
      assert.equal(count(t.store, 'privmsg', 'message_id = ?', id(5)), 2);
    } finally {
      await t.dispose();
    }
  });

  it('has no index on message ids, and finds a stored message through the (room_id, timestamp) index', async () => {
    const t = openTempStore('dedup-plan');
    try {
      assert.equal(count(t.store, 'sqlite_schema', "type = 'index' AND tbl_name = 'privmsg' AND sql LIKE '%message_id%'"), 0);
      const steps = plan(t.store, storedMessage, '1', 0, 'x');
      assert.ok(steps.some((step) => step.includes('USING INDEX privmsg_room_time (room_id=? AND timestamp=?)')), steps.join('\n'));
    } finally {
      await t.dispose();
    }
  });

  it('reads the text of a cheer from privmsg through the (room_id, timestamp) index', async () => {
    const t = openTempStore('dedup-bits');
    try {
      const steps = explainList(t.store.readDb, { resource: 'bits', order: 'desc', limit: 10 });
      assert.ok(steps.some((step) => /^SEARCH p USING INDEX privmsg_room_time \(room_id=\? AND timestamp=\?\)/.test(step)), steps.join('\n'));
      const cheer = REAL.find((line) => / PRIVMSG /.test(line) && /[;@]bits=\d/.test(line));
      assert.ok(cheer !== undefined, 'the corpus has a cheer');
      await t.store.write([received(cheer)]);
      const page = await t.store.list({ resource: 'bits', order: 'desc', limit: 10 });
      assert.equal(page.rows.length, 1);
      assert.equal(page.rows[0]!['msg_content'], parseEvent(cheer).type === 'privmsg' ? (parseEvent(cheer) as { text: string }).text : null);
    } finally {
      await t.dispose();
    }
  });
});

describe('a CLEARMSG and the message it deleted', () => {
  it("keeps the deleted message's serial: in the same batch, in an earlier one, within a minute of clock skew", async () => {
    const t = openTempStore('clearmsg-target');
    try {
      await t.store.write([received(chat(id(1), 'first', 1_000_000)), received(chat(id(2), 'other room', 1_000_500, '9'))]);
      await t.store.write([
        received(chat(id(3), 'second', 2_000_000)),
        received(clearmsg(id(1), 3_000_000)),
        received(clearmsg(id(3), 2_000_100)),
        received(chat(id(4), 'stamped later', 2_050_000)),
        received(clearmsg(id(4), 2_000_200)), // Twitch stamped the deletion 49.8 s before the message
        received(clearmsg(id(2), 3_000_100)), // the id is another room's message
        received(clearmsg(id(99), 3_000_200)), // never seen
      ]);
      const targets = rowsOf(t.store, 'SELECT c.target_msg_id AS id, p.msg_content AS text FROM clearmsg c LEFT JOIN privmsg p ON p.serial = c.target_serial ORDER BY c.serial');
      assert.deepEqual(targets.map((r) => [r['id'], r['text']]), [[id(1), 'first'], [id(3), 'second'], [id(4), 'stamped later'], [id(2), null], [id(99), null]]);
    } finally {
      await t.dispose();
    }
  });

  it('stores a CLEARMSG sent again once, with its deleted message', async () => {
    const t = openTempStore('clearmsg-again');
    try {
      await t.store.write([received(chat(id(1), 'first', 1_000_000)), received(clearmsg(id(1), 1_000_500))]);
      await t.store.write([received(clearmsg(id(1), 1_000_500))]);
      assert.deepEqual(rowsOf(t.store, 'SELECT target_serial FROM clearmsg'), [{ target_serial: 1 }]);
    } finally {
      await t.dispose();
    }
  });

  it(`looks among the room's last ${MODERATED_WINDOW} messages, through the (room_id, timestamp) index`, async () => {
    const t = openTempStore('clearmsg-window');
    try {
      const lines = Array.from({ length: MODERATED_WINDOW + 1 }, (_, i) => received(chat(id(i + 1), `m${i + 1}`, 1_000_000 + i)));
      await t.store.write(lines);
      await t.store.write([received(clearmsg(id(1), 2_000_000)), received(clearmsg(id(2), 2_000_001))]);
      assert.deepEqual(rowsOf(t.store, 'SELECT target_msg_id AS id, target_serial AS serial FROM clearmsg ORDER BY serial').map((r) => [r['id'], r['serial']]),
        [[id(1), null], [id(2), 2]], 'the oldest is out of the window');
      const steps = plan(t.store, deletedMessage, '1', 0, 'x');
      assert.ok(steps.some((step) => step.includes('USING INDEX privmsg_room_time (room_id=? AND timestamp<?)')), steps.join('\n'));
    } finally {
      await t.dispose();
    }
  });
});

describe('schema 7 → 8', () => {
  it('gives existing CLEARMSG rows their deleted message from the message-key index, then drops that index', async () => {
    const path = join(dir, 'schema7.db');
    const db = new BetterSqlite3(path);
    for (const migration of MIGRATIONS.slice(0, 7)) db.exec(migration);
    db.pragma('user_version = 7');
    db.exec(`INSERT INTO room (room_id, room_name) VALUES ('1', '#c');
      INSERT INTO privmsg (serial, tmi_sent_ts, received_offset, room_id, message_id, msg_content) VALUES
        (1, 1000, 5, '1', '${id(1)}', 'kept'), (2, 2000, 5, '1', '${id(2)}', 'deleted');
      INSERT INTO clearmsg (timestamp, tmi_sent_ts, received_ms, room_id, login, target_msg_id) VALUES
        (3000, 3000, 3005, '1', 'a', '${id(2)}'), (4000, 4000, 4005, '1', 'a', '${id(7)}');`);
    db.close();
    const store = openSqliteStore(path);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.deepEqual(rowsOf(store, 'SELECT target_msg_id AS id, target_serial AS serial FROM clearmsg ORDER BY timestamp').map((r) => [r['id'], r['serial']]), [[id(2), 2], [id(7), null]]);
      assert.equal(count(store, 'sqlite_schema', "name = 'privmsg_message_key'"), 0);
      const again = await store.write([received(chat(id(2), 'deleted', 2000))]);
      assert.equal(again.duplicates, 1, 'a migrated message is still found when sent again');
    } finally {
      await store.close();
    }
  });
});
