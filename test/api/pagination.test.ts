// Keyset pagination over real HTTP: 25,000 messages, 7 per timestamp (the tie-break is the row serial),
// inserted out of time order, some recorded under the stand-in room id of lines without a room-id tag.
// Walking `next` → `cursor` must visit every row exactly once, in order, both ways.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listOf, serve, type Rows, type Served } from './harness.js';
import { messageId, privmsgLine, type Room } from './synthetic.js';

const TOTAL = 25_000;
const PER_TIMESTAMP = 7;
const BASE = Date.UTC(2024, 2, 1);
const PAGING: Room = { id: '5001', login: 'paging' };
const OTHER: Room = { id: '5002', login: 'other' };
const USER = { id: '6001', login: 'pager', display: 'Pager' };

interface Made { id: string; ts: number; room: Room }

/** Deterministic shuffle (mulberry32), so insertion order (serial) differs from time order. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const made: Made[] = [];
const lines: string[] = [];
for (const i of shuffle(Array.from({ length: TOTAL }, (_, i) => i), 42)) {
  const room = i % 5 === 4 ? OTHER : PAGING;
  const ts = BASE + Math.floor(i / PER_TIMESTAMP) * 1000;
  const id = messageId(i + 1);
  made.push({ id, ts, room });
  // Every tenth line carries no room-id tag, as in old logs: stored under the stand-in id `#paging`.
  const recordedRoom = i % 10 === 3 ? { login: room.login, id: null } : room;
  lines.push(privmsgLine({ id, room: recordedRoom, user: USER, ts, text: `message ${i}` }));
}

let served: Served;
before(async () => {
  served = await serve('paging', lines);
});
after(() => served.close());

async function walk(query: string, limit: number): Promise<{ rows: Rows; pages: number }> {
  const rows: Rows = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/api/messages?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const { status, json } = await served.get(url);
    assert.equal(status, 200, url);
    const page = listOf(json, 'messages');
    assert.ok(page.rows.length === limit || page.next === null, 'only the last page is short');
    rows.push(...page.rows);
    cursor = page.next;
    pages++;
    assert.ok(pages <= TOTAL, 'the walk ends');
  } while (cursor !== null);
  return { rows, pages };
}

function assertExactWalk(rows: Rows, expected: readonly Made[], order: 'asc' | 'desc'): void {
  const ids = rows.map((r) => r['message_id'] as string);
  assert.equal(new Set(ids).size, ids.length, 'no row twice');
  assert.deepEqual([...ids].sort(), expected.map((m) => m.id).sort(), 'every row once');
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    const ta = Date.parse(a['timestamp'] as string);
    const tb = Date.parse(b['timestamp'] as string);
    const inOrder = order === 'asc'
      ? ta < tb || (ta === tb && (a['serial'] as number) < (b['serial'] as number))
      : ta > tb || (ta === tb && (a['serial'] as number) > (b['serial'] as number));
    assert.ok(inOrder, `rows ${i - 1} and ${i} in (timestamp, serial) ${order} order`);
  }
}

describe('keyset pagination', () => {
  for (const order of ['desc', 'asc'] as const) {
    it(`walks all ${TOTAL} rows ${order} without a duplicate or a gap`, async () => {
      const { rows, pages } = await walk(`order=${order}`, 997);
      assert.equal(pages, Math.ceil(TOTAL / 997));
      assertExactWalk(rows, made, order);
    });

    it(`walks a room recorded under two ids (Twitch id and #login stand-in) ${order}`, async () => {
      const { rows } = await walk(`order=${order}&room-name=paging`, 1000);
      assertExactWalk(rows, made.filter((m) => m.room === PAGING), order);
    });
  }

  it('without limit a page has 100 rows, newest first, and a cursor', async () => {
    const { json } = await served.get('/api/messages');
    const { rows, next } = listOf(json, 'messages');
    assert.equal(rows.length, 100);
    assert.notEqual(next, null);
    assert.equal(rows[0]!['timestamp'], new Date(BASE + Math.floor((TOTAL - 1) / PER_TIMESTAMP) * 1000).toISOString());
  });

  it('a cursor keeps its order: order=desc explicitly agrees, order=asc is refused', async () => {
    const { json } = await served.get('/api/messages?limit=10');
    const next = listOf(json, 'messages').next!;
    assert.equal((await served.get(`/api/messages?limit=10&cursor=${next}&order=desc`)).status, 200);
    const refused = await served.get(`/api/messages?limit=10&cursor=${next}&order=asc`);
    assert.equal(refused.status, 400);
    assert.match((refused.json as { message: string }).message, /cursor/);
  });

  it('streams the same rows as the page walk (ndjson, one query page at a time)', async () => {
    const { text, headers } = await served.get('/api/messages?room-id=5001&format=ndjson&order=asc');
    assert.match(headers.get('content-type')!, /^application\/x-ndjson/);
    const streamed = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assertExactWalk(streamed, made.filter((m) => m.room === PAGING), 'asc');
  });
});
