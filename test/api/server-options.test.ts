// startApi's options over real HTTP: loopback by default, CORS off unless asked, close() ends the server,
// request lines logged only at debug.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from '../../src/api/server.js';
import { createLogger } from '../../src/log.js';
import { tempStore } from './harness.js';

/** The messages a logger at `level` writes while the API answers two requests (one a 400). */
async function loggedWhileServing(level: string): Promise<string[]> {
  const lines: string[] = [];
  const log = createLogger(level, { write: (line: string) => void lines.push((JSON.parse(line) as { msg: string }).msg) });
  const { store, remove } = tempStore('log');
  const api = await startApi({ store, port: 0, log });
  try {
    assert.equal((await fetch(`${api.url}/api/messages`)).status, 200);
    assert.equal((await fetch(`${api.url}/api/messages?limit=abc`)).status, 400);
  } finally {
    await api.close();
    await store.close();
    remove();
  }
  return lines;
}

describe('startApi', () => {
  it('listens on 127.0.0.1 and sends no CORS headers by default', async () => {
    const { store, remove } = tempStore('options');
    const api = await startApi({ store, port: 0 });
    try {
      assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${api.url}/api/health`, { headers: { origin: 'https://elsewhere.example' } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), null);
    } finally {
      await api.close();
      await store.close();
      remove();
    }
  });

  it('allows the configured origins only, for GET', async () => {
    const { store, remove } = tempStore('cors');
    const api = await startApi({ store, port: 0, cors: ['https://research.example'] });
    try {
      const allowed = await fetch(`${api.url}/api/messages`, { headers: { origin: 'https://research.example' } });
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://research.example');
      const other = await fetch(`${api.url}/api/messages`, { headers: { origin: 'https://elsewhere.example' } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      const preflight = await fetch(`${api.url}/api/messages`, { method: 'OPTIONS', headers: { origin: 'https://research.example', 'access-control-request-method': 'GET' } });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /GET/);
    } finally {
      await api.close();
      await store.close();
      remove();
    }
    await assert.rejects(fetch(`${api.url}/api/health`), 'closed: nothing listens any more');
  });

  it('logs no line per request at info, and each request at debug', async () => {
    assert.deepEqual((await loggedWhileServing('info')).filter((m) => !m.startsWith('Server listening')), []);
    const debug = await loggedWhileServing('debug');
    assert.equal(debug.filter((m) => m === 'incoming request').length, 2);
    assert.equal(debug.filter((m) => m === 'request completed').length, 2);
  });
});
