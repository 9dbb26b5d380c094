// Pages whose JSON SQLite writes (listJson) are byte for byte the pages the API encodes from list()'s rows,
// for any value a column may hold: odd text (controls, quotes, U+2028, emoji, text that is not UTF-8), integers
// beyond 2^53, reals, BLOBs, timestamps outside the years 0000–9999; where SQL cannot match, listJson says so
// (null) and the API takes the ordinary path.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Database } from 'better-sqlite3';
import { jsonPage, jsonPageOfEncoded } from '../../../src/api/json-rows.js';
import { RESOURCES, type ListQuery } from '../../../src/store/query.js';
import { listJsonRows } from '../../../src/store/sqlite/query.js';
import { openTempStore, type TempStore } from '../helpers.js';

let temp: TempStore;
let db: Database;

before(() => {
  temp = openTempStore('json-select');
  db = temp.store.db;
  db.pragma('foreign_keys = OFF');
});
after(() => temp.dispose());

/** What a column may hold, as a value bound to an INSERT (or SQL text, for text that is not UTF-8). */
type Cell = { sql: string } | string | number | bigint | null | Buffer;

const oddText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  // `,{` and `{"` too: the JSON of a string ending in them reads like the start of a row.
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '\ufeff', 'é', '😀', '\ud800', '\udfff', 'a', ',', '{', ':') }),
);
const notUtf8: fc.Arbitrary<Cell> = fc.constantFrom('ff', 'c3', 'eda080', 'f09f98', '61ff62', 'c0af').map((hex) => ({ sql: `CAST(x'${hex}' AS TEXT)` }));
const anyCell: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 6, arbitrary: oddText },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: notUtf8 },
);
const timestamp: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1_400_000_000_000, max: 1_900_000_000_000 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }), fc.constantFrom(-62_167_219_200_001, 253_402_300_800_000, 0, -1)) },
  { weight: 1, arbitrary: anyCell.filter((v) => v !== null) },
);

/** Mostly what the column's type makes likely (any text, any integer), sometimes anything at all. */
const likely = (usual: fc.Arbitrary<Cell>) => fc.oneof({ weight: 12, arbitrary: usual }, { weight: 1, arbitrary: anyCell });
const text = likely(fc.oneof({ weight: 8, arbitrary: oddText }, { weight: 1, arbitrary: notUtf8 }, { weight: 1, arbitrary: fc.constant(null) }));
const integer = likely(fc.oneof(fc.integer(), fc.constant(null)));
const INTEGER_COLUMNS = ['tmi_sent_ts', 'action', 'bits', 'first_msg'] as const;
const TEXT_COLUMNS = ['message_id', 'msg_content', 'color', 'emotes', 'reply_msg_body', 'thread_user_login'] as const;
const message = fc.record({
  timestamp,
  cells: fc.record({
    ...Object.fromEntries(INTEGER_COLUMNS.map((c) => [c, integer])),
    ...Object.fromEntries(TEXT_COLUMNS.map((c) => [c, text])),
    // NOT NULL.
    received_ms: integer.filter((v) => v !== null),
  }) as fc.Arbitrary<Record<string, Cell>>,
  login: text,
  displayName: text,
});
// Up to one row more than the query's limit: a page then ends early and carries a cursor.
const page = fc.record({ roomName: text, messages: fc.array(message, { minLength: 1, maxLength: 5 }) });

function insert(table: string, values: Record<string, Cell>): void {
  const names = Object.keys(values);
  const params: unknown[] = [];
  const sql = names.map((n) => {
    const v = values[n]!;
    if (v !== null && typeof v === 'object' && 'sql' in v) return v.sql;
    params.push(v);
    return '?';
  });
  db.prepare(`INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${sql.join(', ')})`).run(...params);
}

type PageData = typeof page extends fc.Arbitrary<infer T> ? T : never;

function fill(p: PageData): void {
  db.exec('DELETE FROM privmsg; DELETE FROM user; DELETE FROM room;');
  insert('room', { room_id: '1', room_name: p.roomName });
  p.messages.forEach((m, i) => {
    // The third message's author has no user row (LEFT JOIN: null names).
    if (i !== 2) insert('user', { user_id: `u${i}`, login: m.login, display_name: m.displayName });
    // timestamp and received_ms are computed (schema 5): timestamp = tmi_sent_ts, else received_ms =
    // coalesce(tmi_sent_ts, 0) + received_offset. The drawn timestamp goes where it comes out as timestamp.
    const { tmi_sent_ts: tmiSentTs, received_ms: receivedMs, ...cells } = m.cells;
    const times = tmiSentTs === null ? { tmi_sent_ts: null, received_offset: m.timestamp } : { tmi_sent_ts: m.timestamp, received_offset: receivedMs! };
    // message ids are unique.
    insert('privmsg', { serial: i + 1, ...times, room_id: '1', user_id: `u${i}`, ...cells, message_id: i === 0 ? m.cells['message_id']! : `m${i}` });
  });
}

const QUERY: ListQuery = { resource: 'privmsg', room: { id: '1' }, order: 'desc', limit: 4 };

/** The ordinary path's page, or the error it fails with (a timestamp beyond Date's range throws there). */
async function ordinaryPage(query: ListQuery): Promise<string> {
  try {
    const rows = await temp.store.list(query);
    return jsonPage('messages', RESOURCES.privmsg.fields, rows.rows, rows.next === null ? null : JSON.stringify(rows.next)).toString('latin1');
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
}

describe('listJson (SQLite writes the rows as JSON)', () => {
  it('gives the bytes of the ordinary path, or null, for any values', async () => {
    let written = 0;
    await fc.assert(fc.asyncProperty(page, async (p) => {
      fill(p);
      const encoded = await temp.store.listJson(QUERY);
      if (encoded === null) return true;
      written++;
      const fast = jsonPageOfEncoded('messages', encoded.json, encoded.count, encoded.next === null ? null : JSON.stringify(encoded.next)).toString('latin1');
      assert.equal(fast, await ordinaryPage(QUERY));
      return true;
    }), { numRuns: 1_500 });
    assert.ok(written > 300, `SQLite wrote only ${written} of 1,500 pages`);
  });

  it('writes every page of ordinary values itself (text, small integers, timestamps of these centuries)', async () => {
    const ordinary = fc.record({
      roomName: fc.string(),
      messages: fc.array(fc.record({
        timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
        cells: fc.record({ tmi_sent_ts: fc.option(fc.nat()), received_ms: fc.nat(), message_id: fc.uuid(), msg_content: fc.string({ unit: 'grapheme' }), action: fc.constantFrom(0, 1), bits: fc.option(fc.nat()), color: fc.string(), first_msg: fc.constantFrom(0, 1), emotes: fc.string(), reply_msg_body: fc.option(fc.string()), thread_user_login: fc.option(fc.string()) }),
        login: fc.string(),
        displayName: fc.string({ unit: 'grapheme' }),
      }), { minLength: 1, maxLength: 6 }),
    });
    await fc.assert(fc.asyncProperty(ordinary, async (p) => {
      fill(p);
      const encoded = await temp.store.listJson(QUERY);
      assert.notEqual(encoded, null);
      const fast = jsonPageOfEncoded('messages', encoded!.json, encoded!.count, encoded!.next === null ? null : JSON.stringify(encoded!.next));
      assert.ok(fast.equals(Buffer.from(await ordinaryPage(QUERY), 'latin1')));
    }), { numRuns: 300 });
  });

  it('ends a page before the row past it whatever that row holds (text ending in `,{`)', async () => {
    const plain = { tmi_sent_ts: null, action: 0, bits: null, first_msg: 0, message_id: '', color: '', emotes: '', reply_msg_body: null, thread_user_login: null, received_ms: 0 };
    // Newest first: the oldest message is the one past the page's end.
    const texts = ['look,{', 'f(a,{"b":1', 'hello', 'bye', 'end'];
    fill({ roomName: '#r', messages: texts.map((text, i) => ({ timestamp: 1_700_000_000_000 + i, cells: { ...plain, msg_content: text }, login: 'l', displayName: 'L' })) });
    const encoded = (await temp.store.listJson(QUERY))!;
    const fast = jsonPageOfEncoded('messages', encoded.json, encoded.count, encoded.next === null ? null : JSON.stringify(encoded.next)).toString('latin1');
    assert.equal(fast, await ordinaryPage(QUERY));
    assert.equal((JSON.parse(fast) as { messages: unknown[] }).messages.length, 4);
  });

  it('leaves listings with a json field, raw lines and the raw archive to the ordinary path', async () => {
    assert.equal(await temp.store.listJson({ resource: 'usernotice', order: 'desc', limit: 10 }), null);
    assert.equal(await temp.store.listJson({ ...QUERY, withRawLine: true }), null);
    assert.equal(await temp.store.listJson({ resource: 'raw', order: 'desc', limit: 10 }), null);
  });

  it('leaves pages to the ordinary path on a SQLite without datetime \'subsec\' (older than 3.42), not writing null times', () => {
    fill({ roomName: '#r', messages: [{ timestamp: 1_700_000_000_123, cells: { tmi_sent_ts: 1_700_000_000_123, received_ms: 1_700_000_000_200, msg_content: 'hi' }, login: 'a', displayName: 'A' }] });
    assert.notEqual(listJsonRows(db, QUERY), null, 'this SQLite writes the page');
    // The same connection, answering the probe as SQLite 3.40 does: NULL for an unknown modifier.
    const old = new Proxy(db, {
      get(target, name) {
        if (name === 'prepare') return (sql: string) => target.prepare(sql.includes("'subsec'") ? sql.replace("'subsec'", "'no-such-modifier'") : sql);
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    assert.equal(listJsonRows(old, QUERY), null);
  });
});
