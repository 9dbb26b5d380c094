// A token revoked at Twitch must never stop the recording: `saltmine collect` (a real process) against a fake
// Twitch identity server and the simulator says so loudly and records anonymously (issue: OAuth, fallback).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TwitchSimulator } from '../../src/sim/simulator.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CLIENT_ID, FakeTwitchId, SECRET_MARK } from '../auth/fake-twitch-id.js';
import { exitWithin, spawnCli, tempDir, whileRunning } from './cli-process.js';

describe('saltmine collect with a token Twitch has revoked', () => {
  let id: FakeTwitchId;
  before(async () => {
    id = await new FakeTwitchId().start();
  });
  after(() => id.stop());

  for (const fallback of ['anonymous', 'stop'] as const) {
    it(`auth.fallback=${fallback}: ${fallback === 'anonymous' ? 'warns loudly and records every line anonymously' : 'stops with exit code 3 and says why'}`, async () => {
      const dir = tempDir(`revoked-${fallback}`);
      const tokenFile = join(dir, 'token.json');
      const { accessToken, refreshToken } = id.issue();
      id.revokeAll();
      writeFileSync(tokenFile, JSON.stringify({
        version: 1, accessToken, refreshToken, scopes: ['chat:read', 'chat:edit'], expiresAt: Date.now() + 3_600_000,
        obtainedAt: new Date().toISOString(), clientId: CLIENT_ID, login: 'saltbot', userId: '141981764',
      }), { mode: 0o600 });
      const sim = new TwitchSimulator({ rate: 500, limit: 300, validTokens: [] });
      await sim.listen();
      const db = join(dir, 'chat.db');
      const proc = spawnCli(['collect', '--server', sim.url, '--channels', 'alpha', '--db', db, '--token-file', tokenFile], {
        cwd: dir,
        env: { SALTMINE_TWITCH_ID_URL: id.baseUrl, SALTMINE_CLIENT_ID: CLIENT_ID, SALTMINE_AUTH_FALLBACK: fallback, SALTMINE_LOG_LEVEL: 'warn' },
      });
      try {
        if (fallback === 'stop') {
          assert.equal(await exitWithin(proc, 15_000), 3, proc.stderr());
          assert.match(proc.stderr(), /TWITCH TOKEN LOST/);
          assert.equal(sim.stats().connectionsAccepted, 0, 'no connection with a lost token and fallback stop');
        } else {
          await whileRunning(proc, sim.whenDone(['#alpha']), 'the channel to be replayed');
          proc.child.kill('SIGTERM');
          assert.equal(await exitWithin(proc, 15_000), 0, proc.stderr());
          assert.match(proc.stderr(), /TWITCH TOKEN LOST .*CONTINUES ANONYMOUSLY/);
          assert.equal(sim.stats().loginFailures, 0, 'the revoked token was never offered to the IRC server');
          const store = openSqliteStore(db, { readonly: true });
          try {
            const raw = (await store.status()).tables['raw']!;
            assert.ok([...store.raw.scan()].filter((l) => l.line.includes('sim-seq=')).length === 300, `all 300 replayed lines archived (raw: ${raw})`);
          } finally {
            await store.close();
          }
        }
      } finally {
        proc.child.kill('SIGKILL');
        await sim.close();
      }
      // Every secret the fake server issues starts with SECRET_MARK.
      assert.ok(!(proc.stderr() + proc.stdout()).includes(SECRET_MARK), 'no token in the output');
    });
  }
});
