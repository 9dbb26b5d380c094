// ThreadedSqliteStore on real files: the write thread stores exactly what the in-thread SqliteStore stores,
// reads come from this thread's read-only connection, errors come back with their name, message and the stack
// they had in the write thread, and a write thread that dies is started again without losing the batch (the
// BatchWriter keeps it queued) or a gap or channel state it had in hand.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { corpusLines } from '../irc/corpus.js';
import { openSqliteStore, SqliteStoreError } from '../../src/store/sqlite/sqlite-store.js';
import { ThreadedSqliteStore } from '../../src/store/sqlite/threaded-store.js';
import { BatchWriter } from '../../src/store/writer.js';
import { EVENT_TABLES, received, tempDir } from './helpers.js';

const LINES = [...corpusLines('twitch-lines.txt'), ...corpusLines('edge-cases.txt')];
const TABLES = ['user', 'room', 'user_in_room', ...EVENT_TABLES, 'roomstate', 'gap', 'channel_state'];

/** Every row of every table, as plain values ('created' is the wall clock of the insert, not data). */
function dump(path: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      out[table] = (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[])
        .map(({ created: _created, ...row }) => row)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    out['raw'] = db.prepare('SELECT first_ms, last_ms, count, malformed FROM raw_block ORDER BY id').all();
    return out;
  } finally {
    db.close();
  }
}

const batches = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('ThreadedSqliteStore', () => {
  let dir: string;
  before(() => (dir = tempDir('threaded')));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores what the in-thread store stores, row for row, with the same write results', async () => {
    assert.ok(LINES.length > 100);
    const events = LINES.map((line, i) => received(line, 1_700_000_000_000 + i));
    const plain = openSqliteStore(join(dir, 'plain.db'));
    const threaded = await ThreadedSqliteStore.open(join(dir, 'threaded.db'));
    const plainResults = [];
    const threadedResults = [];
    // Twice: the second round is all duplicates, counted as such by both.
    for (const round of [events, events]) {
      for (const batch of batches(round, 37)) {
        plainResults.push(await plain.write(batch));
        threadedResults.push(await threaded.write(batch));
      }
    }
    await threaded.recordGap({ startMs: 1, endMs: 2, channels: ['#a'], reason: 'test' });
    await plain.recordGap({ startMs: 1, endMs: 2, channels: ['#a'], reason: 'test' });
    await threaded.setChannelState({ channel: '#a', state: 'joined', detail: null, updatedMs: 3 });
    await plain.setChannelState({ channel: '#a', state: 'joined', detail: null, updatedMs: 3 });
    assert.deepEqual(threadedResults, plainResults);
    assert.ok(threadedResults.some((r) => r.duplicates > 0) && threadedResults.some((r) => r.malformed > 0), 'the corpus has duplicates and malformed lines');

    // Reads on this thread see the thread's commits.
    const page = await threaded.list({ resource: 'privmsg', order: 'asc', limit: 1000 });
    const expected = await plain.list({ resource: 'privmsg', order: 'asc', limit: 1000 });
    assert.ok(page.rows.length > 10);
    assert.deepEqual(page.rows, expected.rows);
    const json = await threaded.listJson({ resource: 'privmsg', order: 'asc', limit: 1000 });
    assert.notEqual(json, null, 'SQLite writes these rows as JSON');
    assert.deepEqual(json, await plain.listJson({ resource: 'privmsg', order: 'asc', limit: 1000 }));
    const status = await threaded.status();
    assert.equal(status.tables['raw'], LINES.length * 2);
    assert.deepEqual(status.channels, [{ channel: '#a', state: 'joined', detail: null, updatedMs: 3 }]);
    assert.equal(await threaded.ping(), true);

    await threaded.close();
    await plain.close();
    for (const suffix of ['-wal', '-shm']) assert.equal(existsSync(join(dir, `threaded.db${suffix}`)), false, `closed cleanly: no ${suffix} file left`);
    assert.deepEqual(dump(join(dir, 'threaded.db')), dump(join(dir, 'plain.db')));
  });

  it("rejects a failed write with the SQLite error, its code and the write thread's stack included, and goes on writing once the cause is gone", async () => {
    const path = join(dir, 'failing.db');
    const store = await ThreadedSqliteStore.open(path);
    const other = new BetterSqlite3(path);
    try {
      other.exec('ALTER TABLE privmsg RENAME TO privmsg_away');
      const chat = LINES.filter((line) => line.includes(' PRIVMSG ')).slice(0, 3).map((line) => received(line));
      await assert.rejects(store.write(chat), (err: Error & { code?: string }) => err.name === 'SqliteError' && err.code === 'SQLITE_ERROR' && /privmsg/.test(err.message));
      // Where the write thread's INSERT failed, not where its answer arrived.
      await assert.rejects(store.write(chat), (err: Error) => /\bat .*\/store\/sqlite\/event-rows\.js:\d+/.test(err.stack ?? ''));
      other.exec('ALTER TABLE privmsg_away RENAME TO privmsg');
      const result = await store.write(chat);
      assert.equal(result.rows['privmsg'], 3);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('starts the write thread again when it dies, and the new thread writes the batch the old one had in hand', async () => {
    const path = join(dir, 'restart.db');
    const store = await ThreadedSqliteStore.open(path);
    const writer = new BatchWriter(store, { maxBatch: 1_000_000, flushIntervalMs: 60_000, retryDelayMs: 10 });
    writer.on('error', () => undefined);
    const events = LINES.map((line) => received(line));
    for (const event of events) writer.push(event);
    const thread = (store as unknown as { worker: Worker }).worker;
    const flushed = writer.flush();
    await thread.terminate(); // dies with the batch in hand (or before it arrives)
    await flushed;
    await store.close();
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      const raw = db.prepare('SELECT coalesce(sum(count), 0) AS n FROM raw_block').get() as { n: number };
      assert.equal(raw.n, events.length, 'every line archived exactly once');
      assert.equal(writer.totals.lines, events.length);
      assert.equal(writer.totals.failedWrites, 0, 'the batch in hand was asked of the new thread, not failed');
    } finally {
      db.close();
    }
  });

  it('does not store twice a batch its thread committed and died before answering, and answers with its result', async () => {
    const path = join(dir, 'committed-unanswered.db');
    const inThread = openSqliteStore(join(dir, 'committed-unanswered-expected.db'));
    const expected = await inThread.write(LINES.map((line) => received(line)));
    await inThread.close();
    const store = await ThreadedSqliteStore.open(path);
    const writer = new BatchWriter(store, { maxBatch: 1_000_000, flushIntervalMs: 60_000, retryDelayMs: 10 });
    writer.on('error', () => undefined);
    const written: unknown[] = [];
    writer.on('written', (result) => written.push(result));
    const thread = (store as unknown as { worker: Worker }).worker;
    thread.removeAllListeners('message'); // its answer is lost, as when it dies between COMMIT and answering
    for (const line of LINES) writer.push(received(line));
    const flushed = writer.flush();
    const reader = new BetterSqlite3(path, { readonly: true });
    try {
      const archived = () => (reader.prepare('SELECT coalesce(sum(count), 0) AS n FROM raw_block').get() as { n: number }).n;
      while (archived() < LINES.length) await new Promise((resolve) => setTimeout(resolve, 10));
      await thread.terminate(); // committed, never answered
      await flushed;
      assert.equal(archived(), LINES.length, 'every line archived exactly once');
      assert.equal(writer.totals.failedWrites, 0);
      assert.deepEqual(written, [expected], 'the new thread answers with the result the batch had when it was written');
      assert.equal(reader.prepare('SELECT count(*) AS n FROM userlist').pluck().get(), expected.rows['userlist'], 'lines without a message id (JOIN, PART, NAMES) stored once');
    } finally {
      reader.close();
      await store.close();
    }
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      assert.equal(db.prepare('SELECT count(*) FROM write_receipt').pluck().get(), 0, 'a closed store leaves no receipt behind');
    } finally {
      db.close();
    }
  });

  it('looks a write that failed again up by its receipt: committed by the new thread before it died too, it is not stored twice', async () => {
    const path = join(dir, 'died-twice.db');
    const store = await ThreadedSqliteStore.open(path);
    const internals = store as unknown as { worker: Worker; adopt(worker: Worker): void };
    const reader = new BetterSqlite3(path, { readonly: true });
    const archived = () => (reader.prepare('SELECT coalesce(sum(count), 0) AS n FROM raw_block').get() as { n: number }).n;
    const lines = Array.from({ length: 20 }, (_, i) => `:u${i}!u${i}@u${i}.tmi.twitch.tv JOIN #chan`); // no message id to de-duplicate by
    // The first new thread loses its answers and is stopped once it has committed the batch.
    const adopt = internals.adopt.bind(store);
    let restarts = 0;
    internals.adopt = (worker: Worker) => {
      adopt(worker);
      if (++restarts !== 1) return;
      worker.removeAllListeners('message');
      void (async () => {
        while (archived() < lines.length) await new Promise((resolve) => setTimeout(resolve, 5));
        await worker.terminate();
      })();
    };
    const writer = new BatchWriter(store, { maxBatch: 1_000_000, flushIntervalMs: 60_000, retryDelayMs: 10 });
    writer.on('error', () => undefined);
    void internals.worker.terminate(); // the first thread stops with the batch in hand, unwritten
    for (const line of lines) writer.push(received(line));
    try {
      await writer.flush();
      assert.equal(archived(), lines.length, 'every line archived exactly once');
      assert.equal(reader.prepare('SELECT count(*) AS n FROM userlist').pluck().get(), lines.length);
      assert.equal(writer.totals.failedWrites, 0, 'answered from its receipt, not failed');
      assert.equal(writer.totals.lines, lines.length);
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('writes a gap and a channel state asked of a write thread as it died, on a new thread, once each', async () => {
    const path = join(dir, 'gap-restart.db');
    const store = await ThreadedSqliteStore.open(path);
    const thread = (store as unknown as { worker: Worker }).worker;
    const gap = { startMs: 1_000, endMs: 2_000, channels: ['#alpha', '#bravo'], reason: 'connection lost' };
    // Asked of the thread as it is being stopped, so it can never answer them.
    const stopped = thread.terminate();
    const recorded = store.recordGap(gap);
    const state = store.setChannelState({ channel: '#alpha', state: 'joined', detail: null, updatedMs: 3_000 });
    await stopped;
    await recorded;
    await state;
    // Asked twice, as after a thread that committed it and stopped before answering: stored once.
    await store.recordGap(gap);
    await store.recordGap({ ...gap, endMs: null });
    await store.close();
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT start_ms, end_ms, channels, reason FROM gap ORDER BY id').all(), [
        { start_ms: 1_000, end_ms: 2_000, channels: '["#alpha","#bravo"]', reason: 'connection lost' },
        { start_ms: 1_000, end_ms: null, channels: '["#alpha","#bravo"]', reason: 'connection lost' },
      ]);
      assert.deepEqual(db.prepare('SELECT channel, state, updated_ms FROM channel_state').all(), [{ channel: '#alpha', state: 'joined', updated_ms: 3_000 }]);
    } finally {
      db.close();
    }
  });

  it('closes a write thread that is still starting again, after it wrote the batch asked for before close()', async () => {
    const path = join(dir, 'close-while-restarting.db');
    const store = await ThreadedSqliteStore.open(path);
    const internals = store as unknown as { worker: Worker | null };
    await internals.worker!.terminate();
    const written = store.write([received(':tmi.twitch.tv PING')]); // starts a new thread
    await store.close();
    assert.equal((await written).lines, 1);
    assert.equal(internals.worker, null, 'the new thread has exited: nothing keeps the process running');
    await assert.rejects(store.write([received(':tmi.twitch.tv PING')]), /closed/);
  });

  it('says which database it could not open', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    await assert.rejects(ThreadedSqliteStore.open(join(file, 'chat.db')), (err: Error) => err instanceof SqliteStoreError && err.message.includes(join(file, 'chat.db')));
    mkdirSync(join(dir, 'not-sqlite'));
    writeFileSync(join(dir, 'not-sqlite', 'chat.db'), 'this is not a database, just text that is long enough to have a header'.repeat(20));
    await assert.rejects(ThreadedSqliteStore.open(join(dir, 'not-sqlite', 'chat.db')), (err: Error) => err instanceof SqliteStoreError && /not a database/.test(err.message));
    // The cause, as the write thread threw it, says where: opening the database from the thread's start.
    await assert.rejects(ThreadedSqliteStore.open(join(dir, 'not-sqlite', 'chat.db')), (err: Error) => /\bat .*\/store\/sqlite\/write-worker\.js:\d+/.test((err.cause as Error | undefined)?.stack ?? ''));
    await assert.rejects(ThreadedSqliteStore.open(':memory:'), SqliteStoreError);
  });
});
