// ReadPool on a real file: list queries answered on read threads are exactly what the store answers on its own
// thread, a JSON page is lent a slot of shared memory until released, a refused query comes back as the QueryError the API answers 400 with (and the stack it had in the
// read thread), a read thread that dies fails
// only the query it had in hand and is replaced, threads that cannot open the database are not started again
// for every query, and a closed pool answers what it had in hand and refuses the rest.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { corpusLines } from '../irc/corpus.js';
import { jsonPageOfEncoded } from '../../src/api/json-rows.js';
import { QueryError, type JsonPage, type ListQuery, type Page } from '../../src/store/query.js';
import { ReadPool, readThreadCount } from '../../src/store/sqlite/read-pool.js';
import { openSqliteStore, SqliteStoreError, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { received, tempDir } from './helpers.js';

const QUERIES: ListQuery[] = [
  { resource: 'privmsg', order: 'desc', limit: 50 },
  { resource: 'privmsg', order: 'asc', limit: 7, offset: 3 },
  { resource: 'privmsg', order: 'desc', limit: 20, text: 'a' },
  { resource: 'user', order: 'asc', limit: 100 },
  { resource: 'usernotice', order: 'desc', limit: 100 },
  { resource: 'raw', order: 'asc', limit: 25 },
  { resource: 'privmsg', order: 'asc', limit: 10, withRawLine: true },
];

/** The threads of a pool (private: a test reaches in to kill one). */
const threadsOf = (pool: ReadPool) => (pool as unknown as { slots: { thread: { worker: Worker } | null }[] }).slots.map((slot) => slot.thread);

/** Counts the worker threads this process starts until `stop()`, as Node itself reports them. */
function countThreadsStarted(): { readonly count: number; stop(): void } {
  const counter = { count: 0, stop: () => unsubscribe('worker_threads', onStart) };
  const onStart = () => counter.count++;
  subscribe('worker_threads', onStart);
  return counter;
}

/** A pooled JSON page as the store's own thread gives it: without the lent buffer's frame. */
function withoutFrame(page: JsonPage): JsonPage {
  const { frame: _frame, ...rest } = page;
  return rest;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ReadPool', () => {
  let dir: string;
  let path: string;
  let local: SqliteStore;
  let pooled: SqliteStore;
  let pool: ReadPool;

  before(async () => {
    dir = tempDir('read-pool');
    path = join(dir, 'pool.db');
    const writer = openSqliteStore(path);
    await writer.write(corpusLines('twitch-lines.txt').map((line) => received(line)));
    await writer.close();
    local = openSqliteStore(path, { readonly: true });
    pooled = openSqliteStore(path, { readonly: true });
    pool = new ReadPool(path, 2);
    pooled.useReadPool(pool);
  });

  after(async () => {
    await local.close();
    await pooled.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every kind of list query as the store does on its own thread', async () => {
    for (const query of QUERIES) {
      assert.deepEqual(await pooled.list(query), await local.list(query), JSON.stringify(query));
      const page = await pooled.listJson(query);
      page?.frame?.release();
      assert.deepEqual(page === null ? null : withoutFrame(page), await local.listJson(query), JSON.stringify(query));
    }
    const page = await local.list(QUERIES[0]!);
    assert.ok(page.rows.length > 10, 'the fixture has messages to list');
  });

  it('lends a JSON page its slot until released, and transfers pages while every slot is taken', async () => {
    const query = (offset: number): ListQuery => ({ resource: 'privmsg', order: 'asc', limit: 3, offset });
    // Asked one at a time, every query goes to the first thread: 48 slots, then none free.
    const held: JsonPage[] = [];
    for (let i = 0; i < 60; i++) held.push((await pool.listJson(query(i)))!);
    assert.deepEqual(held.map((page) => page.frame !== undefined), Array.from({ length: 60 }, (_, i) => i < 48));
    // A page lent its slot keeps its bytes while others are written, and its head and tail go around them.
    for (let i = 0; i < 60; i++) {
      const page = held[i]!;
      const expected = (await local.listJson(query(i)))!;
      assert.deepEqual(withoutFrame(page), expected, `page ${i}`);
      const body = jsonPageOfEncoded('messages', page.json, page.count, 'next', page.frame);
      assert.ok(body.equals(jsonPageOfEncoded('messages', expected.json, expected.count, 'next')), `page ${i} in place`);
      assert.equal(body.buffer instanceof SharedArrayBuffer, page.frame !== undefined);
    }
    for (const page of held) page.frame?.release();
    const again = await pool.listJson(query(0));
    assert.ok(again?.frame, 'slots given back are lent again');
    again.frame.release();
  });

  it('answers queries asked at once, on both threads, each with its own answer', async () => {
    const asked = Array.from({ length: 40 }, (_, i) => ({ resource: 'privmsg', order: 'asc', limit: 1, offset: i }) satisfies ListQuery);
    const answers = await Promise.all(asked.map((query) => pooled.list(query)));
    const expected = await Promise.all(asked.map((query) => local.list(query)));
    assert.deepEqual(answers, expected);
  });

  it('gives a refused query back as a QueryError naming the parameter', async () => {
    const query: ListQuery = { resource: 'privmsg', order: 'desc', limit: 10, after: [1, 'not a serial'] };
    await assert.rejects(local.list(query), (err: unknown) => err instanceof QueryError && err.parameter === 'cursor');
    await assert.rejects(pooled.list(query), (err: unknown) => err instanceof QueryError && err.parameter === 'cursor' && /different listing/.test(err.message));
    await assert.rejects(pooled.listJson(query), QueryError);
  });

  it("gives an error from a read thread the thread's stack, which says where the query failed", async () => {
    const query: ListQuery = { resource: 'privmsg', order: 'desc', limit: 10, after: [1, 'not a serial'] };
    await assert.rejects(pooled.list(query), (err: unknown) => {
      assert.ok(err instanceof QueryError);
      assert.match(err.stack ?? '', /^QueryError: the cursor belongs to a different listing\n/);
      assert.match(err.stack ?? '', /\bat .*\/store\/sqlite\/query\.js:\d+/, 'the frame that refused the query');
      assert.match(err.stack ?? '', /\bat .*\/store\/sqlite\/read-worker\.js:\d+/, 'the read thread that ran it');
      return true;
    });
  });

  it('replaces a read thread that dies; only the query it had in hand fails', async () => {
    const [first] = threadsOf(pool);
    assert.ok(first, 'a thread in the first slot');
    // Asked of the thread as it is being stopped, so it can never answer.
    const stopped = first.worker.terminate();
    const inHand = pool.list({ resource: 'privmsg', order: 'asc', limit: 5 });
    await stopped;
    await assert.rejects(inHand, SqliteStoreError);
    assert.equal(threadsOf(pool)[0], null, 'the dead thread left its slot');
    for (let i = 0; i < 4; i++) assert.deepEqual(await pooled.list(QUERIES[0]!), await local.list(QUERIES[0]!));
    assert.notEqual(threadsOf(pool)[0], null, 'a new thread took the slot');
  });

  it('starts no thread per query while its threads cannot open the database, waiting longer after each failure', async () => {
    const broken = join(dir, 'broken.db');
    writeFileSync(broken, 'not a database. '.repeat(512));
    const started = countThreadsStarted();
    const other = new ReadPool(broken, 1);
    const query = QUERIES[0]!;
    const failed = (err: unknown) => err instanceof SqliteStoreError && err.message.includes(broken) && /not a database/.test(err.message);
    const refused = (delayMs: number) => (err: unknown) => failed(err) && (err as Error).message.includes(`for ${delayMs} ms`);
    try {
      // The thread the pool started takes the first query and fails with it.
      await assert.rejects(other.list(query), failed);
      // As API requests come, one after another.
      for (let i = 0; i < 20; i++) await assert.rejects(other.list(query), refused(100));
      assert.equal(started.count, 1, 'refused without starting a thread');

      await sleep(150);
      await assert.rejects(other.list(query), failed);
      assert.equal(started.count, 2, 'one new thread once the wait is over');
      await assert.rejects(other.list(query), refused(200), 'the next wait is twice as long');

      // Repaired: a thread answers once the wait is over, and that ends the backoff.
      copyFileSync(path, broken);
      let answer: Page | null = null;
      for (let i = 0; i < 200 && answer === null; i++) answer = await other.list(query).catch(() => sleep(50).then(() => null));
      assert.equal(answer?.rows.length, 50);
      writeFileSync(broken, 'not a database. '.repeat(512));
      await threadsOf(other)[0]!.worker.terminate();
      const startedSoFar = started.count;
      await assert.rejects(other.list(query), failed);
      assert.equal(started.count, startedSoFar + 1, 'a thread that had answered is replaced at once');
      await assert.rejects(other.list(query), refused(100), 'the wait starts again from the shortest');
    } finally {
      started.stop();
      await other.close();
    }
  });

  it('refuses queries once closed', async () => {
    const other = new ReadPool(path, 1);
    assert.equal((await other.list(QUERIES[0]!)).rows.length, 50);
    await other.close();
    await assert.rejects(other.list(QUERIES[0]!), SqliteStoreError);
  });

  it('answers the queries it had in hand when closed', async () => {
    const other = new ReadPool(path, 2);
    const inHand = Array.from({ length: 20 }, () => other.list(QUERIES[0]!));
    await other.close();
    for (const page of await Promise.all(inHand)) assert.equal(page.rows.length, 50);
    assert.ok(threadsOf(other).every((thread) => thread === null), 'its threads stopped');
  });

  it('closes the pool a store had when it is given another', async () => {
    const store = openSqliteStore(path, { readonly: true });
    const first = new ReadPool(path, 1);
    const second = new ReadPool(path, 1);
    store.useReadPool(first);
    store.useReadPool(second);
    await assert.rejects(first.list(QUERIES[0]!), SqliteStoreError);
    assert.deepEqual(await store.list(QUERIES[0]!), await local.list(QUERIES[0]!));
    await store.close();
    await assert.rejects(second.list(QUERIES[0]!), SqliteStoreError, 'closed with its store');
  });

  it('takes the configured number of threads, or for 0 one per core up to 4', () => {
    assert.equal(readThreadCount(3), 3);
    assert.equal(readThreadCount(0), Math.min(4, availableParallelism()));
  });

  it('refuses a size that is not a whole number of threads', () => {
    assert.throws(() => new ReadPool(path, 0), RangeError);
    assert.throws(() => new ReadPool(path, 1.5), RangeError);
  });
});
