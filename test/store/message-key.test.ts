// Schema 5: the writer de-duplicates privmsg through an index of the message id's last 8 characters (instead
// of a UNIQUE index on the whole id). It must drop exactly what the UNIQUE index dropped, and stay an index lookup.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { corpusLines } from '../irc/corpus.js';
import { messageId } from '../../src/sim/corpus.js';
import { parseEvent } from '../../src/twitch/map.js';
import { explainList } from '../../src/store/sqlite/query.js';
import { storedMessageId } from '../../src/store/sqlite/schema.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { archivedLines, count, openTempStore, received, rowsOf } from './helpers.js';

const REAL = corpusLines('twitch-lines.txt');

/** A privmsg line with this id and text, as Twitch sends it. */
const chat = (id: string | null, text = 'hi') =>
  `@badges=;color=;display-name=a;emotes=;${id === null ? '' : `id=${id};`}room-id=1;tmi-sent-ts=1700000000000;user-id=2;user-type= :a!a@a.tmi.twitch.tv PRIVMSG #c :${text}`;

describe('de-duplication by message key', () => {
  it('keeps ids that share their last 8 characters, and every row without an id; skips a stored id', async () => {
    const t = openTempStore('message-key-suffix');
    try {
      const ids = ['aaaaaaaa-0000-4000-8000-000011111111', 'bbbbbbbb-0000-4000-8000-000011111111', '11111111', '1111111', null, null];
      const first = await t.store.write(ids.map((id) => received(chat(id))));
      assert.equal(first.rows['privmsg'], 6);
      const again = await t.store.write(['bbbbbbbb-0000-4000-8000-000011111111', '11111111', null].map((id) => received(chat(id, 'again'))));
      assert.equal(again.rows['privmsg'], 1, 'only the line without an id');
      assert.equal(again.duplicates, 2);
      assert.equal(count(t.store, 'privmsg'), 7);
    } finally {
      await t.dispose();
    }
  });

  it("keys the simulator's ids like Twitch's random ones: one id a key within a channel, rare sharing across channels", () => {
    // Every channel of a run counts its sequence numbers from 1, as the simulator does.
    const channels = Array.from({ length: 10 }, (_, channel) => Array.from({ length: 5000 }, (_, i) => messageId('5eed0001', channel, i + 1)));
    for (const ids of channels) assert.equal(new Set(ids.map((id) => id.slice(-8))).size, ids.length);
    const all = channels.flat();
    assert.equal(new Set(all).size, all.length, 'unique ids');
    // 50,000 random 32-bit keys share about 0.3 on average (n² / 2³³); the ids are fixed, so this is exact.
    assert.ok(all.length - new Set(all.map((id) => id.slice(-8))).size <= 3);
    for (const id of all.slice(0, 100)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const random = Array.from({ length: 1000 }, () => randomUUID());
    assert.ok(random.length - new Set(random.map((id) => id.slice(-8))).size <= 1);
  });

  it('drops exactly what a UNIQUE index on message_id (schema 4) dropped: a batch written twice, and repeats within a batch', async () => {
    const lines = REAL.map((line) => received(line));
    const writeTwice = async (store: SqliteStore) => [await store.write([...lines, ...lines]), await store.write(lines)];
    const unique = openTempStore('message-key-unique');
    unique.store.db.exec('CREATE UNIQUE INDEX privmsg_message_id ON privmsg(message_id)');
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
      const plan = (t.store.db.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM privmsg WHERE ${storedMessageId}`).all('x', 'x') as { detail: string }[]).map((s) => s.detail);
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
