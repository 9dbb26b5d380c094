// `saltmine serve` as a child process on an existing database file, while this process keeps writing to
// the same file as a collector would (WAL: the API's reads never block the writer).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { importLines, listOf, tempStore } from './harness.js';
import { messageId, privmsgLine, syntheticEvents, USERS } from './synthetic.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const LIVE_ROOM = { id: '7001', login: 'live' };

function liveLines(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => privmsgLine({ id: messageId(900_000 + from + i), room: LIVE_ROOM, user: USERS[0]!, ts: Date.UTC(2024, 3, 1) + from + i, text: `live ${from + i}` }));
}

let writer: SqliteStore;
let dbPath: string;
let remove: () => void;
let child: ChildProcess;
let url: string;

before(async () => {
  ({ store: writer, dbPath, remove } = tempStore('serve'));
  await importLines(writer, [...syntheticEvents().map((e) => e.line), ...liveLines(0, 2500)]);
  child = spawn(process.execPath, [CLI, 'serve', '--db', dbPath, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.setEncoding('utf8');
  url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
});
after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await writer.close();
  remove();
});

async function count(query: string): Promise<number> {
  const response = await fetch(`${url}/api/messages?limit=10000&${query}`);
  assert.equal(response.status, 200);
  return listOf(await response.json(), 'messages').rows.length;
}

describe('saltmine serve', () => {
  it('binds 127.0.0.1 and serves the database', async () => {
    assert.equal(await count('room-name=live'), 2500);
    assert.equal(await count('room-name=alpha'), 30);
    const index = (await (await fetch(`${url}/`)).json()) as { message: string };
    assert.equal(index.message, 'Saltmine API');
  });

  it('sees rows written by another process while it serves', async () => {
    await writer.write(liveLines(2500, 1000).map((line) => ({ line, receivedMs: Date.now() })));
    assert.equal(await count('room-name=live'), 3500);
  });

  it('an export in progress does not block the writer', async () => {
    const response = await fetch(`${url}/api/messages?room-name=live&format=ndjson&order=asc`);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    // Mid-export: the writer commits (it would fail with SQLITE_BUSY if a reader held a lock it needed).
    const written = await writer.write(liveLines(3500, 500).map((line) => ({ line, receivedMs: Date.now() })));
    assert.equal(written.rows['privmsg'], 500);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    const ids = text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { message_id: string }).message_id);
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    assert.ok(ids.length >= 3500 && ids.length <= 4000, `${ids.length} rows: all those committed before the export, perhaps some written during it`);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  it('refuses a missing database and a bad port with exit code 2', () => {
    const missing = spawnSync(process.execPath, [CLI, 'serve', '--db', `${dbPath}.nope`, '--port', '0'], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no database at .*\.nope/);
    const port = spawnSync(process.execPath, [CLI, 'serve', '--db', dbPath, '--port', '70000'], { encoding: 'utf8' });
    assert.equal(port.status, 2);
    assert.match(port.stderr, /--port/);
  });
});

