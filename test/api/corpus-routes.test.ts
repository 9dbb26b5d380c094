// Every route over real HTTP against the corpus (real Twitch lines) imported through the store: each
// returns its rows in every format it offers; raw lines come back exactly; a failing database is a 500
// that leaks nothing, and readiness says 503.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { corpusLines } from '../irc/corpus.js';
import { parseEvent } from '../../src/twitch/map.js';
import { listOf, serve, type Served } from './harness.js';

const LINES = [...corpusLines('twitch-lines.txt'), ...corpusLines('edge-cases.txt'), ...corpusLines('xqcow-2019-09-15.log')];
const GAP = { startMs: Date.UTC(2024, 0, 15, 10), endMs: Date.UTC(2024, 0, 15, 11), channels: ['#forsen', '#pajlada'], reason: 'disconnected' };

/** Routes with rows in this corpus (onetapgifts has none). */
const NON_EMPTY = [
  '/api/messages', '/api/announcements', '/api/whispers', '/api/raids', '/api/viewermilestones', '/api/usernotices', '/api/bits',
  '/api/subscriptions', '/api/subs', '/api/subgifts', '/api/mysterygifts', '/api/gifts', '/api/paidupgrades', '/api/payforwards',
  '/api/bitsbadgetiers', '/api/bans', '/api/deletions', '/api/notices', '/api/roomstate', '/api/roomstate-changes', '/api/rooms',
  '/api/users', '/api/userlist', '/api/raw', '/api/gaps', '/api/channels',
];

let served: Served;
let listRoutes: { path: string; key: string }[];
before(async () => {
  served = await serve('corpus', LINES);
  await served.store.recordGap(GAP);
  await served.store.setChannelState({ channel: '#forsen', state: 'joined', detail: null, updatedMs: Date.UTC(2024, 0, 15, 12) });
  const endpoints = ((await served.get('/api')).json as { endpoints: Record<string, string> }).endpoints;
  listRoutes = [];
  for (const path of Object.keys(endpoints).filter((p) => p.startsWith('/api/') && !['/api/health', '/api/ready'].includes(p))) {
    const body = (await served.get(`${path}?limit=1`)).json as Record<string, unknown>;
    const key = Object.keys(body).find((k) => Array.isArray(body[k]));
    assert.ok(key, `${path} answers a list`);
    listRoutes.push({ path, key });
  }
});
after(() => served.close());

describe('every route on the corpus', () => {
  it('lists rows under its key with count and next', async () => {
    assert.ok(listRoutes.length >= 27, `${listRoutes.length} list routes`);
    for (const { path, key } of listRoutes) {
      const { status, json } = await served.get(`${path}?limit=5`);
      assert.equal(status, 200, path);
      const { rows } = listOf(json, key);
      assert.ok(rows.length <= 5, path);
      if (NON_EMPTY.includes(path)) assert.ok(rows.length > 0, `${path} has rows`);
      for (const row of rows) {
        for (const [field, value] of Object.entries(row)) {
          if (['timestamp', 'first_seen', 'end_timestamp'].includes(field) && value !== null) assert.match(value as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `${path} ${field}`);
        }
      }
    }
  });

  it('streams in every format it offers', async () => {
    for (const { path } of listRoutes) {
      for (const format of ['ndjson', 'csv', 'raw', 'text']) {
        const { status, text } = await served.get(`${path}?limit=3&format=${format}`);
        if (status === 400) {
          assert.ok(['raw', 'text'].includes(format), `${path} refuses only raw/text, not ${format}`);
          continue;
        }
        assert.equal(status, 200, `${path} ${format}`);
        if (NON_EMPTY.includes(path) && path !== '/api/rooms') assert.ok(text.length > 0, `${path} ${format} has content`);
      }
    }
  });

  it('/api/raw?format=raw gives back every imported line exactly, in arrival order', async () => {
    const { text } = await served.get('/api/raw?format=raw&order=asc');
    assert.deepEqual(text.split('\n').slice(0, -1), LINES.map((line) => parseEvent(line).irc.raw));
    const newest = listOf((await served.get('/api/raw?limit=2')).json, 'raw').rows;
    assert.deepEqual(newest.map((r) => r['line']), LINES.slice(-2).reverse());
  });

  it('bans and deletions filter by the banned user and the author', async () => {
    const bans = listOf((await served.get('/api/bans?user-name=XPWONDER&limit=100')).json, 'bans').rows;
    assert.deepEqual(bans.map((b) => [b['target_login'], b['ban_duration']]), [['xpwonder', 150], ['xpwonder', 150], ['xpwonder', 10], ['xpwonder', 10]]);
    const byId = listOf((await served.get('/api/bans?user-id=177177549&room-name=xqcow&limit=100')).json, 'bans').rows;
    assert.deepEqual(byId, bans);
    const deletions = listOf((await served.get('/api/deletions?limit=100')).json, 'deletions').rows;
    const author = deletions.find((d) => typeof d['login'] === 'string')!['login'] as string;
    for (const d of listOf((await served.get(`/api/deletions?user-name=${author}`)).json, 'deletions').rows) assert.equal(d['login'], author);
  });

  it('users: every user, or those seen in one room with their badges there', async () => {
    const all = listOf((await served.get('/api/users?limit=10000')).json, 'users').rows;
    assert.ok(all.length > 100);
    assert.ok(all.every((u) => u['room_id'] === null));
    const inRoom = listOf((await served.get('/api/users?room-name=pajlada&limit=10000')).json, 'users').rows;
    assert.ok(inRoom.length > 0 && inRoom.length < all.length);
    assert.ok(inRoom.every((u) => u['room_name'] === '#pajlada' && typeof u['badges'] === 'string'));
    const randers = listOf((await served.get('/api/users?user-name=RANDERS')).json, 'users').rows;
    assert.deepEqual(randers.map((u) => u['login']), ['randers']);
  });

  it('gaps match the date ranges they overlap and the channels they name', async () => {
    const inside = listOf((await served.get('/api/gaps?start-date=2024-01-15T10:30:00Z&end-date=2024-01-15T10:31:00Z')).json, 'gaps').rows;
    assert.deepEqual(inside, [{ id: inside[0]!['id'], timestamp: '2024-01-15T10:00:00.000Z', end_timestamp: '2024-01-15T11:00:00.000Z', channels: ['#forsen', '#pajlada'], reason: 'disconnected' }]);
    assert.equal(listOf((await served.get('/api/gaps?start-date=2024-01-15T11:00:01Z')).json, 'gaps').rows.length, 0);
    assert.equal(listOf((await served.get('/api/gaps?room-name=forsen')).json, 'gaps').rows.length, 1);
    assert.equal(listOf((await served.get('/api/gaps?room-name=xqcow')).json, 'gaps').rows.length, 0);
    assert.deepEqual(listOf((await served.get('/api/channels?room-name=%23FORSEN')).json, 'channels').rows, [{ channel: '#forsen', state: 'joined', detail: null, timestamp: '2024-01-15T12:00:00.000Z' }]);
  });

  it('full-text search finds messages by their words, any case, with prefixes', async () => {
    const kappa = listOf((await served.get('/api/messages?q=kappa&limit=10000')).json, 'messages').rows;
    assert.ok(kappa.length > 0);
    for (const m of kappa) assert.match(m['msg_content'] as string, /kappa/i);
    const prefix = listOf((await served.get('/api/messages?q=kapp*&limit=10000')).json, 'messages').rows;
    assert.ok(prefix.length >= kappa.length);
    const both = listOf((await served.get(`/api/messages?q=${encodeURIComponent('Kappa Keepo')}&room-name=forsen`)).json, 'messages').rows;
    for (const m of both) assert.ok(/kappa/i.test(m['msg_content'] as string) && /keepo/i.test(m['msg_content'] as string) && m['room_name'] === '#forsen');
    for (const q of ['"', 'NEAR(a b', 'a OR', '*', '-x', 'AND', '(((']) {
      assert.equal((await served.get(`/api/messages?q=${encodeURIComponent(q)}`)).status, 200, q);
    }
  });
});

describe('when the database fails', () => {
  it('answers 500 with the seed body, no stack, and logs the cause; readiness is 503', async () => {
    const logged: string[] = [];
    const log = pino({ level: 'error' }, new Writable({ write(chunk, _enc, done) { logged.push(String(chunk)); done(); } }));
    const broken = await serve('broken', LINES.slice(0, 50), { log });
    try {
      assert.equal((await broken.get('/api/messages')).status, 200);
      await broken.store.close();
      const { status, json, text } = await broken.get('/api/messages');
      assert.equal(status, 500);
      assert.deepEqual(json, { error: 'Internal server error', message: 'Something went wrong' });
      assert.doesNotMatch(text, /at |\.js|database/i);
      assert.ok(logged.some((line) => line.includes('request failed') && (line.includes('not open') || line.includes('store is closed'))), logged.join('\n'));
      const ready = await broken.get('/api/ready');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { status: 'unavailable', database: 'unreachable' });
      assert.equal((await broken.get('/api/health?ready=1')).status, 503);
      assert.deepEqual((await broken.get('/api/health')).json, { status: 'ok' }, 'liveness does not depend on the database');
    } finally {
      await broken.close();
    }
  });
});
