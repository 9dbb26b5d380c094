// Bad input is a 400 that says which parameter is wrong and why — never ignored, never a 500 — and a
// request never changes the database, whatever it contains.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { serve, type Served } from './harness.js';
import { syntheticEvents } from './synthetic.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const enc = encodeURIComponent;

/** [path, a word the message must contain (usually the parameter's name)] */
const BAD: readonly [string, string][] = [
  ['/api/messages?limit=-1', 'limit'],
  ['/api/messages?limit=abc', 'limit'],
  ['/api/messages?limit=0', 'limit'],
  ['/api/messages?limit=10001', 'limit'],
  ['/api/messages?limit=1.5', 'limit'],
  ['/api/messages?limit=99999999999999999999', 'limit'],
  ['/api/messages?limit=', 'limit'],
  ['/api/messages?limit=1&limit=2', 'limit'],
  ['/api/messages?offset=-5', 'offset'],
  ['/api/messages?offset=abc', 'offset'],
  ['/api/messages?offset=100001', 'offset'],
  ['/api/messages?user-id=abc', 'user-id'],
  [`/api/messages?user-id=${enc('1; DROP TABLE privmsg')}`, 'user-id'],
  [`/api/messages?room-id=${enc('1 OR 1=1')}`, 'room-id'],
  ['/api/messages?room-id=-1', 'room-id'],
  ['/api/messages?room-id=1e3', 'room-id'],
  ['/api/messages?user-id=123456789012345678901', 'user-id'],
  [`/api/messages?user-name=${enc("' OR '1'='1")}`, 'user-name'],
  [`/api/messages?user-name=${enc("robert'); DROP TABLE user;--")}`, 'user-name'],
  [`/api/messages?room-name=${enc('#chan;DELETE FROM room')}`, 'room-name'],
  [`/api/messages?room-name=${enc('a b')}`, 'room-name'],
  [`/api/messages?user-name=${'x'.repeat(26)}`, 'user-name'],
  [`/api/messages?room-name=${'r'.repeat(5000)}`, 'room-name'],
  ['/api/messages?start-date=yesterday', 'start-date'],
  ['/api/messages?start-date=2024-13-01', 'start-date'],
  ['/api/messages?start-date=31.02.2024', 'start-date'],
  ['/api/messages?end-date=2024-02-30', 'end-date'],
  ['/api/messages?start-date=2024-01-15T25:00', 'start-date'],
  ['/api/messages?end-date=99999999999999999', 'end-date'],
  ['/api/messages?start-date=1.1.1', 'start-date'],
  ['/api/messages?start-date=', 'start-date'],
  [`/api/messages?end-date=${enc("2024-01-01' OR 1=1 --")}`, 'end-date'],
  ['/api/messages?start-date=2024-01-16&end-date=2024-01-15', 'start-date'],
  ['/api/messages?format=xml', 'format'],
  ['/api/messages?format=JSON', 'format'],
  ['/api/messages?order=random', 'order'],
  ['/api/messages?cursor=garbage!!', 'cursor'],
  ['/api/messages?cursor=eyJ', 'cursor'],
  [`/api/messages?cursor=${b64(['x', 1, 2])}`, 'cursor'],
  [`/api/messages?cursor=${b64(['d', 1e300, 2])}`, 'cursor'],
  [`/api/messages?cursor=${b64(['d', 1, 2])}&offset=3`, 'cursor'],
  [`/api/users?room-name=alpha&cursor=${b64(['d', 1, 2])}`, 'cursor'],
  ['/api/messages?room-name=alpha&room-id=1001', 'room-name'],
  ['/api/messages?user-name=two&user-id=2002', 'user-name'],
  ['/api/messages?foo=bar', 'foo'],
  ['/api/messages?__proto__=1', '__proto__'],
  ['/api/messages?constructor=1', 'constructor'],
  ['/api/messages?q=', 'q'],
  [`/api/messages?q=${'w'.repeat(201)}`, 'q'],
  ['/api/bans?q=hello', 'q'],
  ['/api/notices?user-name=two', 'user-name'],
  ['/api/raw?room-name=alpha', 'room-name'],
  ['/api/rooms?format=text', 'format'],
  ['/api/health?ready=maybe', 'ready'],
  ['/api?limit=5', 'limit'],
];

let served: Served;
before(async () => {
  served = await serve('bad', syntheticEvents().map((e) => e.line));
});
after(() => served.close());

describe('bad input', () => {
  it(`${BAD.length} bad requests: each a 400 naming the parameter, the database unchanged`, async () => {
    assert.ok(BAD.length >= 30);
    const before = await served.store.status();
    for (const [path, word] of BAD) {
      const { status, json } = await served.get(path);
      assert.equal(status, 400, path);
      const body = json as { error: string; message: string };
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message'], path);
      assert.equal(body.error, 'Bad request', path);
      assert.ok(body.message.includes(word), `${path}: "${body.message}" names ${word}`);
    }
    assert.deepEqual(await served.store.status(), before);
    assert.equal((await served.get('/api/messages?limit=10000')).status, 200, 'still serving');
  });

  it('404 and 405 have the seed bodies; a 405 says which methods work', async () => {
    const missing = await served.get('/api/nothing-here');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error: 'Not found', message: 'The requested resource does not exist' });
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const wrong = await served.get('/api/messages/', { method });
      assert.equal(wrong.status, 405, method);
      assert.equal(wrong.headers.get('allow'), 'GET, HEAD');
      assert.equal((wrong.json as { error: string }).error, 'Method not allowed');
    }
  });

  it('no query string found by fast-check gives a 500 or changes the database', async () => {
    const routes = Object.keys(((await served.get('/api')).json as { endpoints: Record<string, string> }).endpoints)
      .filter((path) => path.startsWith('/api'));
    const names = ['user-name', 'user-id', 'room-name', 'room-id', 'start-date', 'end-date', 'limit', 'offset', 'cursor', 'order', 'format', 'q', 'ready', '__proto__', 'constructor', 'toString'];
    const hostile = ["'", '"', ';', '--', '/*', '%', '\\', '\u0000', ' OR 1=1', 'NULL', '1e308', '-0', '0x10', '９', '#', '*', 'NEAR(', 'AND', '"unbalanced', '2024-01-15', '15.01.2024', '1705276800000', 'desc', 'csv', 'raw'];
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom(...hostile),
      fc.array(fc.constantFrom(...hostile), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
      fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
      fc.integer({ min: 0, max: 20_000 }).map(String),
    );
    const params = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), value), { maxLength: 5 });
    const statusBefore = await served.store.status();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), params, async (route, pairs) => {
        const query = new URLSearchParams(pairs).toString();
        const { status, json, text } = await served.get(`${route}?${query}`);
        assert.ok([200, 400, 404].includes(status), `${route}?${query} → ${status} ${text.slice(0, 200)}`);
        if (status !== 200) assert.equal(typeof (json as { message: unknown }).message, 'string');
      }),
      { numRuns: 400 },
    );
    assert.deepEqual(await served.store.status(), statusBefore);
  });
});
