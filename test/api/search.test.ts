// Full-text search over real HTTP: results come in arrival order (row serial, newest first), whatever the
// messages' timestamps say; pages by a serial cursor; combined with room, user and dates it returns exactly the
// matching rows, whether the store walks the full-text matches (a busy user) or the user's rows (a quiet one).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listOf, serve, type Rows, type Served } from './harness.js';
import { messageId, privmsgLine, type Room, type User } from './synthetic.js';

const BASE = Date.UTC(2024, 4, 1);
const ROOMS: readonly Room[] = [{ id: '7001', login: 'searchroom' }, { id: '7002', login: 'otherroom' }];
/** Busy has more rows than the store reads from the user index (5,000); quiet has few. */
const BUSY: User = { id: '8001', login: 'busy', display: 'Busy' };
const QUIET: User = { id: '8002', login: 'quiet', display: 'Quiet' };
const BUSY_ROWS = 6000;
const QUIET_ROWS = 40;

interface Made { id: string; arrival: number; ts: number; room: Room; user: User; text: string }

const made: Made[] = [];
for (let arrival = 0; arrival < BUSY_ROWS + QUIET_ROWS; arrival++) {
  const user = arrival % 151 === 7 || arrival >= BUSY_ROWS + QUIET_ROWS - 9 ? QUIET : BUSY;
  // Timestamps run against arrival in blocks of 100, so time order and arrival order disagree.
  const ts = BASE + (Math.floor(arrival / 100) * 100 + (99 - (arrival % 100))) * 1000;
  const words = [arrival % 3 === 0 ? 'needle' : 'hay', arrival % 7 === 0 ? 'Thread' : 'stack'];
  made.push({ id: messageId(arrival + 1), arrival, ts, room: ROOMS[arrival % 2]!, user, text: `${words.join(' ')} ${arrival}` });
}
const quietCount = made.filter((m) => m.user === QUIET).length;

let served: Served;
before(async () => {
  served = await serve('search', made.map((m) => privmsgLine({ id: m.id, room: m.room, user: m.user, ts: m.ts, text: m.text })));
});
after(() => served.close());

async function walk(query: string, limit: number): Promise<Rows> {
  const rows: Rows = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/messages?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const { status, json } = await served.get(url);
    assert.equal(status, 200, url);
    const page = listOf(json, 'messages');
    rows.push(...page.rows);
    cursor = page.next;
  } while (cursor !== null);
  return rows;
}

/** The expected answer: matching rows by arrival, newest first unless asc. */
function expected(match: (m: Made) => boolean, order: 'asc' | 'desc' = 'desc'): string[] {
  const rows = made.filter(match).map((m) => m.id);
  return order === 'desc' ? rows.reverse() : rows;
}

const ids = (rows: Rows) => rows.map((r) => r['message_id'] as string);
const has = (word: string) => (m: Made) => m.text.split(' ').includes(word);

describe('full-text search', () => {
  it('fixture: the quiet user has few rows, the busy one more than the user-index threshold', () => {
    assert.ok(quietCount > 10 && quietCount < 100);
    assert.ok(BUSY_ROWS + QUIET_ROWS - quietCount > 5000);
  });

  for (const order of ['desc', 'asc'] as const) {
    it(`pages every match once, in arrival order (${order}), not by timestamp`, async () => {
      const rows = await walk(`q=needle&order=${order}`, 97);
      assert.deepEqual(ids(rows), expected(has('needle'), order));
      const serials = rows.map((r) => r['serial'] as number);
      for (let i = 1; i < serials.length; i++) assert.ok(order === 'desc' ? serials[i - 1]! > serials[i]! : serials[i - 1]! < serials[i]!);
    });
  }

  it('needs every word, any case', async () => {
    assert.deepEqual(ids(await walk(`q=${encodeURIComponent('NEEDLE thread')}`, 500)), expected((m) => has('needle')(m) && has('Thread')(m)));
  });

  it('with a room', async () => {
    assert.deepEqual(ids(await walk('q=needle&room-name=searchroom', 200)), expected((m) => has('needle')(m) && m.room === ROOMS[0]));
  });

  for (const user of [BUSY, QUIET]) {
    it(`with a user who has ${user === BUSY ? 'many' : 'few'} rows, both orders`, async () => {
      for (const order of ['desc', 'asc'] as const) {
        assert.deepEqual(ids(await walk(`q=needle&user-name=${user.login}&order=${order}`, 7)), expected((m) => has('needle')(m) && m.user === user, order));
      }
    });
  }

  it('with dates: compares each row\'s timestamp', async () => {
    const from = BASE + 1234 * 1000;
    const to = BASE + 3456 * 1000;
    const query = `q=hay&start-date=${from}&end-date=${to}`;
    assert.deepEqual(ids(await walk(query, 250)), expected((m) => has('hay')(m) && m.ts >= from && m.ts <= to));
  });

  it('refuses a cursor of a listing without q, naming cursor', async () => {
    const plain = listOf((await served.get('/api/messages?limit=5')).json, 'messages').next!;
    const refused = await served.get(`/api/messages?q=needle&cursor=${plain}`);
    assert.equal(refused.status, 400);
    assert.match((refused.json as { message: string }).message, /cursor/);
  });
});
