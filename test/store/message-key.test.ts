// Schema 5: privmsg is de-duplicated by a trigger over an index of the message id's last 8 characters
// (instead of a UNIQUE index on the whole id). It must drop exactly what the UNIQUE index dropped, for any
// writer, and stay an index lookup.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { corpusLines } from '../irc/corpus.js';
import { messageId } from '../../src/sim/corpus.js';
import { parseEvent } from '../../src/twitch/map.js';
import { explainList } from '../../src/store/sqlite/query.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { archivedLines, count, openTempStore, received, rowsOf } from './helpers.js';

const REAL = corpusLines('twitch-lines.txt');

const insertSql = "INSERT INTO privmsg (received_offset, message_id, msg_content) VALUES (1, ?, 'hi')";

/** The trigger's lookup, as a statement of its own: NEW.message_id bound as ?. */
function dedupeLookup(db: SqliteStore['db']): string {
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

  it('drops exactly what a UNIQUE index on message_id (schema 4) dropped: a batch written twice, and repeats within a batch', async () => {
    const lines = REAL.map((line) => received(line));
    const writeTwice = async (store: SqliteStore) => [await store.write([...lines, ...lines]), await store.write(lines)];
    const unique = openTempStore('message-key-unique');
    unique.store.db.exec('DROP TRIGGER privmsg_once; CREATE UNIQUE INDEX privmsg_message_id ON privmsg(message_id)');
    const t = openTempStore('message-key-batch');
    try {
      const [first, again] = await writeTwice(t.store);
      assert.deepEqual([first, again], await writeTwice(unique.store));
      const withoutId = lines.map(({ line }) => parseEvent(line)).filter((event) => event.type === 'privmsg' && event.id === null).length;
      assert.ok(first!.duplicates > 100 && again!.rows['privmsg'] === withoutId, `only messages without an id are stored again: ${JSON.stringify(again)}`);
      assert.equal(count(t.store, 'privmsg', 'message_id IS NOT NULL'), rowsOf(t.store, 'SELECT count(DISTINCT message_id) AS n FROM privmsg')[0]!['n']);
      assert.equal(archivedLines(t.store).length, lines.length * 3, 'the raw archive keeps every line');
    } finally {
      await unique.dispose();
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
