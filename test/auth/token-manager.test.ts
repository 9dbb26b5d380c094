import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenManager } from '../../src/auth/token-manager.js';
import { TokenFile } from '../../src/auth/token-file.js';
import { TwitchIdClient } from '../../src/auth/twitch-id.js';
import { AuthError } from '../../src/auth/errors.js';
import { CLIENT_ID, FakeTwitchId } from './fake-twitch-id.js';
import { captureLogger, FakeClock, tempDir } from './helpers.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Setup {
  clock: FakeClock;
  fake: FakeTwitchId;
  file: TokenFile;
  manager: TokenManager;
  logs: ReturnType<typeof captureLogger>;
  /** Stores a token pair issued by the fake, as `saltmine auth login` would have. */
  storeToken(): { accessToken: string; refreshToken: string };
  makeManager(): TokenManager;
}

async function setup(t: TestContext, options: { fallback?: 'anonymous' | 'stop'; lifetimeS?: number; timeoutMs?: number } = {}): Promise<Setup> {
  const clock = new FakeClock();
  const fake = await new FakeTwitchId(() => clock.now()).start();
  if (options.lifetimeS !== undefined) fake.tokenLifetimeS = options.lifetimeS;
  const { dir, cleanup } = tempDir('saltmine-token-manager-');
  const file = new TokenFile(join(dir, 'keyz', 'token.json'), 'keyz/token.json');
  const logs = captureLogger();
  const managers: TokenManager[] = [];
  const makeManager = (): TokenManager => {
    const manager = new TokenManager({
      client: new TwitchIdClient({ baseUrl: fake.baseUrl, timeoutMs: options.timeoutMs ?? 5_000 }),
      tokenFile: file,
      clientId: CLIENT_ID,
      clientSecret: null,
      fallback: options.fallback ?? 'anonymous',
      log: logs.log,
      clock,
      retryMinMs: MINUTE,
    });
    managers.push(manager);
    return manager;
  };
  const storeToken = (): { accessToken: string; refreshToken: string } => {
    const pair = fake.issue();
    const now = clock.now();
    file.write({ ...pair, scopes: ['chat:read', 'chat:edit'], expiresAt: now + pair.expiresIn * 1000, obtainedAt: now, clientId: CLIENT_ID, login: 'saltbot', userId: '141981764' });
    return pair;
  };
  t.after(async () => {
    for (const manager of managers) manager.stop();
    await fake.stop();
    cleanup();
    const text = logs.text();
    for (const secret of fake.secrets()) assert.ok(!text.includes(secret), 'a secret appeared in the log');
  });
  return { clock, fake, file, manager: makeManager(), logs, storeToken, makeManager };
}

test('start validates the stored token once and reports who it belongs to', async (t) => {
  const s = await setup(t);
  const pair = s.storeToken();
  const status = await s.manager.start();
  assert.equal(status.mode, 'user');
  assert.equal(status.login, 'saltbot');
  assert.deepEqual(status.scopes, ['chat:read', 'chat:edit']);
  assert.equal(s.fake.count('/oauth2/validate'), 1);
  assert.equal(s.fake.requests[0]?.authorization, `OAuth ${pair.accessToken}`);
  assert.equal(await s.manager.getToken(), pair.accessToken);
});

test('the token is validated again every hour while running', async (t) => {
  const s = await setup(t, { lifetimeS: 24 * 3600 });
  s.storeToken();
  await s.manager.start();
  for (let hour = 1; hour <= 3; hour++) {
    const validated = once(s.manager, 'validated');
    s.clock.advance(HOUR);
    await validated;
    assert.equal(s.fake.count('/oauth2/validate'), 1 + hour);
  }
  assert.equal(s.fake.count('/oauth2/token'), 0);
  assert.equal(s.clock.nextTimerAt(), s.clock.now() + HOUR);
});

test('the token is refreshed before it expires, and the new pair is persisted', async (t) => {
  const s = await setup(t, { lifetimeS: 30 * 60 });
  const old = s.storeToken();
  await s.manager.start();
  const refreshed = once(s.manager, 'refreshed');
  s.clock.advance(25 * MINUTE); // 5 minutes before expiry
  await refreshed;
  const token = await s.manager.getToken();
  assert.ok(token !== null && token !== old.accessToken && s.fake.isAccessValid(token));
  const stored = s.file.read().token!;
  assert.equal(stored.accessToken, token);
  assert.notEqual(stored.refreshToken, old.refreshToken);
  assert.ok(s.fake.isRefreshUsable(stored.refreshToken!), 'the stored refresh token is the fresh one');
  assert.ok(!s.fake.isRefreshUsable(old.refreshToken), 'the old refresh token was spent');
});

test('a token that validation rejects with 401 at start is refreshed', async (t) => {
  const s = await setup(t);
  const old = s.storeToken();
  s.fake.failNext('/oauth2/validate', { status: 401 });
  const status = await s.manager.start();
  assert.equal(status.mode, 'user');
  const token = await s.manager.getToken();
  assert.ok(token !== null && token !== old.accessToken);
  assert.equal(s.fake.count('/oauth2/token'), 1);
  assert.equal(s.file.read().token!.accessToken, token);
});

test('handleAuthFailure refreshes once, even when several connections report the rejection at once', async (t) => {
  const s = await setup(t);
  const old = s.storeToken();
  await s.manager.start();
  const results = await Promise.all([s.manager.handleAuthFailure(old.accessToken), s.manager.handleAuthFailure(old.accessToken), s.manager.handleAuthFailure()]);
  assert.equal(s.fake.count('/oauth2/token'), 1);
  assert.ok(results[0] !== null && results[0] !== old.accessToken);
  assert.deepEqual(results, [results[0], results[0], results[0]]);
  assert.equal(await s.manager.handleAuthFailure(old.accessToken), results[0], 'a rejection of the replaced token costs nothing');
  assert.equal(s.fake.count('/oauth2/token'), 1);
});

test('every rotated refresh token is persisted: a restart after two refreshes uses the latest', async (t) => {
  const s = await setup(t);
  const first = s.storeToken();
  await s.manager.start();
  await s.manager.handleAuthFailure();
  const second = s.file.read().token!;
  await s.manager.handleAuthFailure();
  const third = s.file.read().token!;
  assert.ok(!s.fake.isRefreshUsable(first.refreshToken));
  assert.ok(!s.fake.isRefreshUsable(second.refreshToken!));
  assert.ok(s.fake.isRefreshUsable(third.refreshToken!));
  s.manager.stop();
  const restarted = s.makeManager();
  assert.equal((await restarted.start()).mode, 'user');
  assert.equal(await restarted.getToken(), third.accessToken);
});

test('a revoked refresh token switches to anonymous collection with a loud warning', async (t) => {
  const s = await setup(t);
  s.storeToken();
  await s.manager.start();
  s.fake.revokeAll();
  const lost = once(s.manager, 'lost');
  assert.equal(await s.manager.handleAuthFailure(), null);
  const [event] = await lost;
  assert.equal(event.fallback, 'anonymous');
  assert.match(event.reason, /Invalid refresh token/);
  assert.equal(s.manager.status.mode, 'anonymous');
  assert.equal(await s.manager.getToken(), null);
  const warning = s.logs.lines().find((line) => line['level'] === 50);
  assert.match(String(warning?.['msg']), /TWITCH TOKEN LOST.*CONTINUES ANONYMOUSLY/);
  assert.equal(s.clock.nextTimerAt(), null, 'nothing is left scheduled for a lost token');
});

test('hourly validation that finds the grant revoked falls back to anonymous', async (t) => {
  const s = await setup(t, { lifetimeS: 24 * 3600 });
  s.storeToken();
  await s.manager.start();
  s.fake.revokeAll();
  const lost = once(s.manager, 'lost');
  s.clock.advance(HOUR);
  await lost;
  assert.equal(s.manager.status.mode, 'anonymous');
});

test('with fallback "stop" a lost token is reported as stopped, and start without a token refuses', async (t) => {
  const s = await setup(t, { fallback: 'stop' });
  await assert.rejects(s.manager.start(), (err: unknown) => err instanceof AuthError && err.kind === 'no_token' && /auth login/.test(err.message));
  s.storeToken();
  const manager = s.makeManager();
  await manager.start();
  s.fake.revokeAll();
  const lost = once(manager, 'lost');
  await manager.handleAuthFailure();
  assert.equal((await lost)[0].fallback, 'stop');
  assert.equal(manager.status.mode, 'stopped');
});

test('a damaged token file gives a clear warning and anonymous mode, every time, without a request', async (t) => {
  const s = await setup(t);
  s.storeToken();
  writeFileSync(s.file.path, '{"version":1,"accessToken":', { mode: 0o600 });
  for (let attempt = 0; attempt < 2; attempt++) {
    const manager = s.makeManager();
    const status = await manager.start();
    assert.equal(status.mode, 'anonymous');
  }
  assert.equal(s.fake.requests.length, 0);
  const errors = s.logs.lines().filter((line) => line['level'] === 50);
  assert.equal(errors.length, 2);
  assert.match(String(errors[0]?.['msg']), /keyz\/token\.json: the token file is not valid JSON.*saltmine auth login/);
});

test('a damaged token file with fallback "stop" refuses to start with a message naming the file', async (t) => {
  const s = await setup(t, { fallback: 'stop' });
  s.storeToken();
  writeFileSync(s.file.path, '[]');
  await assert.rejects(s.manager.start(), (err: unknown) => err instanceof AuthError && /unusable/.test(err.message));
  assert.match(s.logs.text(), /keyz\/token\.json: not a saltmine token file/);
});

test('Twitch being unreachable keeps the token and retries validation with back-off', async (t) => {
  const s = await setup(t, { lifetimeS: 24 * 3600 });
  const pair = s.storeToken();
  await s.manager.start();
  s.fake.failNext('/oauth2/validate', { status: 503 }, 2);
  s.clock.advance(HOUR);
  await waitFor(() => s.fake.count('/oauth2/validate') === 2);
  assert.equal(s.manager.status.mode, 'user');
  await waitFor(() => s.clock.nextTimerAt() === s.clock.now() + MINUTE);
  s.clock.advance(MINUTE);
  await waitFor(() => s.clock.nextTimerAt() === s.clock.now() + 2 * MINUTE);
  const validated = once(s.manager, 'validated');
  s.clock.advance(2 * MINUTE);
  await validated;
  assert.equal(s.fake.count('/oauth2/validate'), 4);
  assert.equal(await s.manager.getToken(), pair.accessToken);
  assert.equal(s.fake.count('/oauth2/token'), 0);
});

test('a refresh that times out answers null for now, keeps the token, and a retry later succeeds', async (t) => {
  const s = await setup(t, { timeoutMs: 300 });
  const old = s.storeToken();
  await s.manager.start();
  s.fake.failNext('/oauth2/token', 'hang');
  assert.equal(await s.manager.handleAuthFailure(), null);
  assert.equal(s.manager.status.mode, 'user');
  assert.match(s.logs.text(), /cannot refresh the Twitch token.*no answer within 300 ms/);
  const refreshed = once(s.manager, 'refreshed');
  s.clock.advance(MINUTE);
  await refreshed;
  assert.notEqual(await s.manager.getToken(), old.accessToken);
});

test('a token refreshed by another process is adopted instead of spending the refresh token again', async (t) => {
  const s = await setup(t);
  s.storeToken();
  await s.manager.start();
  const other = s.makeManager();
  await other.start();
  s.clock.advance(1); // the other process's refresh is newer
  const fromOther = await other.handleAuthFailure();
  const adopted = await s.manager.handleAuthFailure();
  assert.equal(adopted, fromOther);
  assert.equal(s.fake.count('/oauth2/token'), 1);
});

test('stop() leaves no timer behind', async (t) => {
  const s = await setup(t);
  s.storeToken();
  await s.manager.start();
  assert.notEqual(s.clock.nextTimerAt(), null);
  s.manager.stop();
  assert.equal(s.clock.nextTimerAt(), null);
});

/** Polls a condition that depends on loopback HTTP finishing (no wall-clock assertion: only a generous cap). */
async function waitFor(condition: () => boolean, capMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > capMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
