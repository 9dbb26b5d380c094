// The API on read threads over real HTTP: every json page is the page the store gives on its own thread, and
// the shared slot each page is lent (sqlite/page-arena.ts) is given back once its response is over, also when
// the client goes away first, so slots never run out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ReadPool } from '../../src/store/sqlite/read-pool.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { serve, type Served } from './harness.js';
import { messageId, privmsgLine, type Room } from './synthetic.js';

const ROOM: Room = { id: '7001', login: 'threads' };
const USER = { id: '7002', login: 'threader', display: 'Threader' };
const lines = Array.from({ length: 600 }, (_, i) => privmsgLine({ id: messageId(i + 1), room: ROOM, user: USER, ts: Date.UTC(2024, 4, 1) + i * 1000, text: `message ${i} ${'x'.repeat(i % 50)}` }));

/** Slots taken in the pool's arenas now (private: the test reaches in). */
function slotsTaken(pool: ReadPool): number {
  const slots = (pool as unknown as { slots: { thread: { arena: { taken(): number } } | null }[] }).slots;
  return slots.reduce((n, slot) => n + (slot.thread?.arena.taken() ?? 0), 0);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), what);
}

describe('API on read threads', () => {
  let served: Served;
  let pool: ReadPool;
  let local: SqliteStore;

  before(async () => {
    served = await serve('read-threads', lines);
    pool = new ReadPool(served.dbPath, 1);
    served.store.useReadPool(pool);
    local = openSqliteStore(served.dbPath, { readonly: true });
  });
  after(async () => {
    await local.close();
    await served.close();
  });

  it('answers each page as the store does, and gives every slot back when its response is sent', async () => {
    // More pages than a thread has slots, one after another and then many at once.
    const offsets = Array.from({ length: 120 }, (_, i) => i * 5);
    const expected = async (offset: number) => {
      const page = (await local.listJson({ resource: 'privmsg', order: 'asc', limit: 5, offset }))!;
      return Buffer.from(page.json).toString('utf8');
    };
    for (const offset of offsets.slice(0, 60)) {
      const { status, text } = await served.get(`/api/messages?order=asc&limit=5&offset=${offset}`);
      assert.equal(status, 200);
      assert.equal(text.slice(text.indexOf('[') + 1, text.lastIndexOf(']')), await expected(offset), `offset ${offset}`);
    }
    const answers = await Promise.all(offsets.slice(60).map((offset) => served.get(`/api/messages?order=asc&limit=5&offset=${offset}`)));
    for (const [i, { text }] of answers.entries()) {
      assert.equal(text.slice(text.indexOf('[') + 1, text.lastIndexOf(']')), await expected(offsets[60 + i]!), `offset ${offsets[60 + i]}`);
    }
    await until(() => slotsTaken(pool) === 0, 'every slot given back');
  });

  it('gives the slot back when the client left while its query ran', async () => {
    // The query ends after the client has gone: the response's 'close' came before the page.
    const listJson = pool.listJson.bind(pool);
    pool.listJson = async (query) => {
      const page = await listJson(query);
      await new Promise((resolve) => setTimeout(resolve, 150));
      return page;
    };
    try {
      const url = new URL(served.api.url);
      await Promise.all(Array.from({ length: 10 }, () => new Promise<void>((resolve) => {
        const req = request({ host: url.hostname, port: url.port, path: '/api/messages?limit=5' });
        req.on('error', () => resolve());
        req.end();
        setTimeout(() => req.destroy(), 30);
      })));
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      pool.listJson = listJson;
    }
    await until(() => slotsTaken(pool) === 0, 'every slot given back after the clients left mid-query');
  });

  it('gives the slot back when the client goes away before reading the response', async () => {
    const url = new URL(served.api.url);
    await Promise.all(Array.from({ length: 10 }, () => new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/api/messages?limit=500' }, (res) => {
        // Reads nothing and hangs up.
        res.destroy();
        resolve();
      });
      req.on('error', () => resolve());
      req.end();
    })));
    await until(() => slotsTaken(pool) === 0, 'every slot given back after the clients left');
  });
});
