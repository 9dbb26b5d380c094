// The seed's routes with the seed's parameters, over real HTTP against a real database file filled with
// synthetic events whose rooms, users and times are known, so every filter has one exact answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listOf, serve, type Served } from './harness.js';
import { ROOMS, TIMES, USERS, syntheticEvents, type Kind, type Synthetic } from './synthetic.js';

const EVENTS = syntheticEvents();

/** Seed route → its response key, the event kinds it lists (a cheer is a message too), the row field holding the Twitch message id, and the seed's row keys. */
const SEED_ROUTES: readonly { path: string; key: string; kinds: readonly Kind[]; idField: string; seedKeys: string[] }[] = [
  { path: '/api/messages', key: 'messages', kinds: ['privmsg', 'bits'], idField: 'message_id', seedKeys: ['display_name', 'room_name', 'msg_content', 'reply_msg_body', 'timestamp'] },
  { path: '/api/announcements', key: 'announcements', kinds: ['announcement'], idField: 'msg_id', seedKeys: ['room_name', 'display_name', 'msg_content', 'timestamp'] },
  { path: '/api/bits', key: 'bits', kinds: ['bits'], idField: 'message_id', seedKeys: ['timestamp', 'bits', 'display_name', 'room_name'] },
  { path: '/api/mysterygifts', key: 'mystery_gifts', kinds: ['submysterygift'], idField: 'msg_id', seedKeys: ['display_name', 'room_name', 'sub_plan', 'mass_gift_count', 'timestamp'] },
  { path: '/api/gifts', key: 'mystery_gifts', kinds: ['submysterygift'], idField: 'msg_id', seedKeys: ['display_name', 'room_name', 'sub_plan', 'mass_gift_count', 'timestamp'] },
  { path: '/api/subscriptions', key: 'subscriptions', kinds: ['sub'], idField: 'msg_id', seedKeys: ['display_name', 'room_name', 'sub_plan', 'timestamp'] },
  { path: '/api/subs', key: 'subscriptions', kinds: ['sub'], idField: 'msg_id', seedKeys: ['display_name', 'room_name', 'sub_plan', 'timestamp'] },
];

const DAY_START = Date.UTC(2024, 0, 15);
const DAY_END = Date.UTC(2024, 0, 16);
const MIDDAY = TIMES[2]!;

/** Every spelling of 2024-01-15 the seed documents. */
const DAY_FORMATS = ['2024-01-15', '15.01.2024', '15/01/2024', '01-15-2024'];

interface Case {
  name: string;
  query: string;
  expect: (e: Synthetic) => boolean;
}

const [alpha, bravo] = [ROOMS[0]!, ROOMS[1]!];
const [one, two] = [USERS[0]!, USERS[1]!];

const CASES: readonly Case[] = [
  { name: 'no filter', query: '', expect: () => true },
  { name: 'user-name', query: `user-name=${one.login}`, expect: (e) => e.user === one },
  { name: 'user-name in another case', query: `user-name=${one.display.toUpperCase()}`, expect: (e) => e.user === one },
  { name: 'user-id', query: `user-id=${two.id}`, expect: (e) => e.user === two },
  { name: 'room-name', query: `room-name=${alpha.login}`, expect: (e) => e.room === alpha },
  { name: 'room-name with #', query: `room-name=%23${bravo.login}`, expect: (e) => e.room === bravo },
  { name: 'room-name in capitals', query: `room-name=${bravo.login.toUpperCase()}`, expect: (e) => e.room === bravo },
  { name: 'room-id', query: `room-id=${alpha.id}`, expect: (e) => e.room === alpha },
  { name: 'room-name and user-name', query: `room-name=${alpha.login}&user-name=${two.login}`, expect: (e) => e.room === alpha && e.user === two },
  { name: 'room-id and user-id', query: `room-id=${bravo.id}&user-id=${one.id}`, expect: (e) => e.room === bravo && e.user === one },
  ...DAY_FORMATS.flatMap((day): Case[] => [
    { name: `start-date=${day} starts at 00:00:00.000 UTC`, query: `start-date=${day}`, expect: (e) => e.ts >= DAY_START },
    { name: `end-date=${day} includes the whole day`, query: `end-date=${day}`, expect: (e) => e.ts < DAY_END },
    { name: `start-date=end-date=${day} is that day`, query: `start-date=${day}&end-date=${day}`, expect: (e) => e.ts >= DAY_START && e.ts < DAY_END },
  ]),
  { name: 'ISO 8601 date-times, inclusive at millisecond precision', query: 'start-date=2024-01-15T12:34:56.789Z&end-date=2024-01-15T12:34:56.789Z', expect: (e) => e.ts === MIDDAY },
  { name: 'ISO 8601 with an offset', query: `start-date=${encodeURIComponent('2024-01-15T13:34:56.789+01:00')}`, expect: (e) => e.ts >= MIDDAY },
  { name: 'ISO 8601 to the second includes that whole second', query: 'end-date=2024-01-15T23:59:59', expect: (e) => e.ts < DAY_END },
  { name: 'epoch milliseconds', query: `start-date=${DAY_START}&end-date=${MIDDAY}`, expect: (e) => e.ts >= DAY_START && e.ts <= MIDDAY },
  { name: 'every seed parameter at once', query: `room-name=${alpha.login}&user-id=${one.id}&start-date=15.01.2024&end-date=15/01/2024`, expect: (e) => e.room === alpha && e.user === one && e.ts >= DAY_START && e.ts < DAY_END },
];

let served: Served;
before(async () => {
  served = await serve('seed', EVENTS.map((e) => e.line));
});
after(() => served.close());

describe('seed list routes', () => {
  for (const route of SEED_ROUTES) {
    describe(route.path, () => {
      for (const c of CASES) {
        it(`${c.name}: returns exactly the matching rows, newest first`, async () => {
          const { status, json } = await served.get(`${route.path}?limit=10000${c.query ? '&' + c.query : ''}`);
          assert.equal(status, 200);
          const { rows, next } = listOf(json, route.key);
          const expected = EVENTS.filter((e) => route.kinds.includes(e.kind) && c.expect(e)).map((e) => e.id).sort();
          assert.ok(expected.length > 0, 'the case selects something');
          assert.deepEqual(rows.map((r) => r[route.idField]).sort(), expected);
          assert.equal(next, null);
          const times = rows.map((r) => Date.parse(r['timestamp'] as string));
          assert.deepEqual(times, [...times].sort((a, b) => b - a));
        });
      }

      it("rows carry the seed's keys; timestamps are ISO 8601 UTC with milliseconds", async () => {
        const { json } = await served.get(`${route.path}?room-name=alpha&user-name=two&start-date=2024-01-15&end-date=2024-01-15&order=asc`);
        const { rows } = listOf(json, route.key);
        const first = rows[0]!;
        for (const key of route.seedKeys) assert.ok(key in first, `${key} in ${JSON.stringify(first)}`);
        assert.equal(first['timestamp'], '2024-01-15T00:00:00.000Z');
        assert.equal(first['room_name'], '#alpha');
        assert.equal(first['display_name'], 'Two');
      });

      it('accepts a trailing slash', async () => {
        const plain = await served.get(`${route.path}?room-id=1003&limit=3`);
        const slash = await served.get(`${route.path}/?room-id=1003&limit=3`);
        assert.equal(slash.status, 200);
        assert.deepEqual(slash.json, plain.json);
      });
    });
  }

  it('offset skips rows (seed compatibility)', async () => {
    const all = listOf((await served.get('/api/messages?order=asc&limit=45')).json, 'messages').rows;
    assert.equal(all.length, 45);
    const skipped = listOf((await served.get('/api/messages?order=asc&limit=5&offset=40')).json, 'messages').rows;
    assert.deepEqual(skipped, all.slice(40));
    assert.equal(listOf((await served.get('/api/messages')).json, 'messages').rows.length, 90, '45 messages and 45 cheers fit the default page');
  });

  it('message rows show the text and reply fields the seed lists', async () => {
    const { json } = await served.get('/api/messages?room-name=charlie&user-name=three&order=asc&limit=1');
    const [row] = listOf(json, 'messages').rows;
    assert.equal(row!['msg_content'], EVENTS.find((e) => e.kind === 'privmsg' && e.room.login === 'charlie' && e.user.login === 'three' && e.ts === TIMES[0])!.text);
    assert.equal(row!['reply_msg_body'], null);
    assert.equal(row!['login'], 'three');
  });
});

describe('/api/rooms', () => {
  it('room-name gives the single room object', async () => {
    for (const name of ['alpha', '%23alpha', 'ALPHA', 'Alpha/']) {
      const path = name.endsWith('/') ? `/api/rooms/?room-name=${name.slice(0, -1)}` : `/api/rooms?room-name=${name}`;
      const { status, json } = await served.get(path);
      assert.equal(status, 200, path);
      assert.deepEqual(json, { room_id: '1001', room_name: '#alpha' });
    }
  });

  it('room-id gives the single room object', async () => {
    const { status, json } = await served.get('/api/rooms?room-id=1002');
    assert.equal(status, 200);
    assert.deepEqual(json, { room_id: '1002', room_name: '#bravo' });
  });

  it('an unknown room is a 404 with the seed body', async () => {
    for (const query of ['room-name=nobody', 'room-id=999999']) {
      const { status, json } = await served.get(`/api/rooms?${query}`);
      assert.equal(status, 404);
      assert.deepEqual(json, { error: 'Not found', message: 'The requested resource does not exist' });
    }
  });

  it('without a filter lists every room with count', async () => {
    const { status, json } = await served.get('/api/rooms');
    assert.equal(status, 200);
    const { rows, next } = listOf(json, 'rooms');
    assert.deepEqual(rows.map((r) => r['room_name']).sort(), ['#alpha', '#bravo', '#charlie']);
    assert.equal(next, null);
  });
});

describe('index and health', () => {
  for (const path of ['/', '/api', '/api/']) {
    it(`${path} lists every route with a description`, async () => {
      const { status, json } = await served.get(path);
      assert.equal(status, 200);
      const body = json as { message: string; version: string; endpoints: Record<string, string> };
      assert.equal(body.message, 'Saltmine API');
      assert.match(body.version, /^\d+\.\d+\.\d+/);
      for (const route of ['/api/messages', '/api/announcements', '/api/bits', '/api/mysterygifts', '/api/gifts', '/api/subscriptions', '/api/subs', '/api/rooms', '/api/users', '/api/raw', '/api/bans', '/api/deletions', '/api/gaps', '/api/health']) {
        assert.equal(typeof body.endpoints[route], 'string', route);
        assert.ok(body.endpoints[route]!.length > 5);
      }
    });
  }

  it('/api/health answers {"status":"ok"}; ready=1 and /api/ready check the database', async () => {
    assert.deepEqual((await served.get('/api/health')).json, { status: 'ok' });
    assert.deepEqual((await served.get('/api/health?ready=1')).json, { status: 'ok', database: 'ok' });
    assert.deepEqual((await served.get('/api/ready')).json, { status: 'ok', database: 'ok' });
  });
});
