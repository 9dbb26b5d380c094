import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLine } from '../../src/irc/parse.js';
import { TwitchSimulator } from '../../src/sim/simulator.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { exitWithin, spawnCli, stdoutLine, tempDir, whileRunning } from './cli-process.js';

/** Per channel: simulator sequence number → how many times its line is in the raw archive. */
function archivedSequences(db: string): Map<string, Map<number, number>> {
  const store = openSqliteStore(db, { readonly: true });
  const out = new Map<string, Map<number, number>>();
  try {
    for (const { line } of store.raw.scan()) {
      const m = parseLine(line);
      const seq = m.tags['sim-seq'];
      if (seq === undefined) continue;
      const channel = m.params[0]!;
      let counts = out.get(channel);
      if (counts === undefined) out.set(channel, (counts = new Map()));
      counts.set(Number(seq), (counts.get(Number(seq)) ?? 0) + 1);
    }
  } finally {
    void store.close();
  }
  return out;
}

describe('saltmine collect (a real process) against the simulator', () => {
  it('has every one of 20,000 lines in the database exactly once after SIGTERM', async () => {
    const dir = tempDir('collect');
    const db = join(dir, 'chat.db');
    const channels = ['#alpha', '#bravo', '#charlie'];
    const perChannel = 6667;
    const sim = new TwitchSimulator({ rate: 1000, limit: perChannel });
    await sim.listen();
    const proc = spawnCli(['collect', '--server', sim.url, '--channels', 'alpha,bravo,charlie', '--db', db], { cwd: dir });
    try {
      await whileRunning(proc, sim.whenDone(channels), 'every line to be replayed');
      proc.child.kill('SIGTERM');
      assert.equal(await exitWithin(proc, 15_000), 0, proc.stderr());
    } finally {
      proc.child.kill('SIGKILL');
      await sim.close();
    }
    const archived = archivedSequences(db);
    for (const channel of channels) {
      const counts = archived.get(channel) ?? new Map<number, number>();
      const missing = Array.from({ length: perChannel }, (_, i) => i + 1).filter((seq) => !counts.has(seq));
      const twice = [...counts].filter(([, n]) => n > 1).map(([seq]) => seq);
      assert.deepEqual({ channel, missing: missing.slice(0, 10), twice: twice.slice(0, 10), count: counts.size }, { channel, missing: [], twice: [], count: perChannel });
    }
    const store = openSqliteStore(db, { readonly: true });
    try {
      const row = store.db.prepare('SELECT count(*) AS n, count(DISTINCT message_id) AS ids FROM privmsg').get() as { n: number; ids: number };
      assert.equal(row.n, row.ids, 'no message stored twice');
      assert.ok(row.n > 0.9 * 3 * perChannel);
      const states = (await store.status()).channels.map((c) => [c.channel, c.state]);
      assert.deepEqual(states, channels.map((c) => [c, 'joined']));
    } finally {
      await store.close();
    }

    // `saltmine status` reads the same database.
    const status = spawnCli(['status', '--db', db, '--json'], { cwd: dir });
    assert.equal(await exitWithin(status, 15_000), 0, status.stderr());
    const parsed = JSON.parse(status.stdout()) as { tables: Record<string, number>; channels: unknown[] };
    assert.ok(parsed.tables['raw']! >= 3 * perChannel);
    assert.equal(parsed.channels.length, 3);
  });

  it('run records and serves what it records over the API at once, and stops on SIGTERM', async () => {
    const dir = tempDir('run');
    const sim = new TwitchSimulator({ rate: 500 });
    await sim.listen();
    const proc = spawnCli(['run', '--server', sim.url, '--channels', 'alpha,bravo', '--db', join(dir, 'chat.db'), '--port', '0'], { cwd: dir });
    try {
      const base = (await stdoutLine(proc, /listening on (http:\/\/\S+)/))[1]!;
      // Pages of the room while the collector writes to it: valid JSON, newest first, each with a cursor to the next.
      let pages = 0;
      for (let tries = 0; pages < 20 && tries < 300; tries++) {
        const response = await fetch(`${base}/api/messages?room-name=alpha&limit=50`);
        assert.equal(response.status, 200);
        const body = (await response.json()) as { messages: { room_name: string; timestamp: string }[]; count: number; next: string | null };
        assert.equal(body.count, body.messages.length);
        if (body.count < 50) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        assert.ok(body.messages.every((m) => m.room_name === '#alpha'));
        const times = body.messages.map((m) => m.timestamp);
        assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
        assert.equal(typeof body.next, 'string');
        pages++;
      }
      assert.equal(pages, 20, 'full pages while recording');
      proc.child.kill('SIGTERM');
      assert.equal(await exitWithin(proc, 15_000), 0, proc.stderr());
    } finally {
      proc.child.kill('SIGKILL');
      await sim.close();
    }
  });

  it('stops on a wrong token with one clear error, exit code 3, and a single login attempt', async () => {
    const dir = tempDir('badtoken');
    const tokenFile = join(dir, 'token.json');
    const now = new Date().toISOString();
    writeFileSync(tokenFile, JSON.stringify({ version: 1, accessToken: 'wrongtoken123', refreshToken: null, scopes: ['chat:read'], expiresAt: null, obtainedAt: now, clientId: 'testclient', login: 'saltbot', userId: '1' }), { mode: 0o600 });
    const sim = new TwitchSimulator({ rejectTokens: true });
    await sim.listen();
    // No Twitch here: token validation fails for want of a network, and the token is kept for the IRC login.
    const proc = spawnCli(['collect', '--server', sim.url, '--channels', 'alpha', '--db', join(dir, 'chat.db'), '--token-file', tokenFile], {
      cwd: dir,
      env: { SALTMINE_TWITCH_ID_URL: 'http://127.0.0.1:9', SALTMINE_LOG_LEVEL: 'error' },
    });
    try {
      assert.equal(await exitWithin(proc, 15_000), 3);
    } finally {
      proc.child.kill('SIGKILL');
      await sim.close();
    }
    const errors = proc.stderr().split('\n').filter((l) => l.startsWith('saltmine: '));
    assert.equal(errors.length, 1, proc.stderr());
    assert.match(errors[0]!, /Login authentication failed/);
    assert.doesNotMatch(proc.stderr(), /wrongtoken123/);
    assert.equal(sim.stats().connectionsAccepted, 1);
  });
});

describe('saltmine simulate and saltmine demo (real processes)', () => {
  it('simulate prints exactly one line, the real port, and serves a client', async () => {
    const dir = tempDir('simulate');
    const proc = spawnCli(['simulate', '--port', '0', '--limit', '3'], { cwd: dir });
    try {
      const [, port] = (await stdoutLine(proc, /^listening on irc:\/\/127\.0\.0\.1:(\d+)\n/)) as RegExpMatchArray;
      assert.ok(Number(port) > 0);
      const { LineClient } = await import('../sim/line-client.js');
      const client = await LineClient.tcp(Number(port));
      client.send('CAP REQ :twitch.tv/tags twitch.tv/commands', 'NICK justinfan1', 'JOIN #x');
      await client.until((lines) => lines.some((l) => l.includes('sim-seq=3;')));
      client.close();
      proc.child.kill('SIGTERM');
      assert.equal(await exitWithin(proc, 15_000), 0);
      assert.equal(proc.stdout().split('\n').filter((l) => l !== '').length, 1);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('demo records chat from its own simulator, prints status lines and stops on SIGTERM', async () => {
    const dir = tempDir('demo');
    const proc = spawnCli(['demo', '--status-every', '1', '--db', join(dir, 'demo.db')], { cwd: dir });
    try {
      // A status line once every channel is joined and a hundred lines are in (welcome and JOIN replies are ~30).
      await stdoutLine(proc, /3\/3 channels joined .* [1-9]\d{2,} received/);
      await stdoutLine(proc, /^ {2}#demo_\w+ {2}\S+: /m); // chat read back from the database
      proc.child.kill('SIGTERM');
      assert.equal(await exitWithin(proc, 15_000), 0, proc.stderr());
    } finally {
      proc.child.kill('SIGKILL');
    }
    assert.match(proc.stdout(), /^done\. Look at it: saltmine status/m);
    const store = openSqliteStore(join(dir, 'demo.db'), { readonly: true });
    try {
      const status = await store.status();
      assert.ok(status.tables['privmsg']! > 0);
      assert.deepEqual(status.channels.map((c) => c.state), ['joined', 'joined', 'joined']);
      // Chat read back from the database is shown under the status lines.
      const shown = [...proc.stdout().matchAll(/^ {2}(#demo_\w+) {2}(\S+): (.*)$/gm)];
      assert.ok(shown.length > 0, proc.stdout());
      const stored = (await store.list({ resource: 'privmsg', order: 'asc', limit: 10_000 })).rows;
      for (const [, room, name, text] of shown) {
        assert.ok(stored.some((r) => r['room_name'] === room && r['display_name'] === name && String(r['msg_content']).startsWith(text!.replace(/…$/, ''))), `shown but not stored: ${room} ${name}: ${text}`);
      }
    } finally {
      await store.close();
    }
  });

  it('demo --duration stops by itself', async () => {
    const dir = tempDir('demo-duration');
    const proc = spawnCli(['demo', '--duration', '1', '--db', join(dir, 'demo.db')], { cwd: dir });
    try {
      assert.equal(await exitWithin(proc, 20_000), 0, proc.stderr());
    } finally {
      proc.child.kill('SIGKILL');
    }
    assert.match(proc.stdout(), /Stopping after 1 s\.\n[\s\S]*^done\./m);
  });
});
