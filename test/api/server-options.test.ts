// startApi's options over real HTTP: loopback by default, CORS off unless asked, close() ends the server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from '../../src/api/server.js';
import { tempStore } from './harness.js';

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
});
