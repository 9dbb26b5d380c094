import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runDeviceFlow } from '../../src/auth/device-flow.js';
import { TwitchIdClient, type DeviceCode } from '../../src/auth/twitch-id.js';
import { AuthError } from '../../src/auth/errors.js';
import { CLIENT_ID, FakeTwitchId, type DeviceStep } from './fake-twitch-id.js';
import { FakeClock } from './helpers.js';

async function run(t: TestContext, steps: DeviceStep[], tweak: (fake: FakeTwitchId) => void = () => undefined) {
  const fake = await new FakeTwitchId().start();
  t.after(() => fake.stop());
  fake.deviceSteps = steps;
  tweak(fake);
  const clock = new FakeClock(Date.UTC(2025, 0, 1), true);
  const shown: DeviceCode[] = [];
  const retries: string[] = [];
  const result = runDeviceFlow({
    client: new TwitchIdClient({ baseUrl: fake.baseUrl }),
    clientId: CLIENT_ID,
    clock,
    onCode: (code) => shown.push(code),
    onRetry: (message) => retries.push(message),
  });
  return { fake, clock, shown, retries, result };
}

test('device flow: pending, pending, then approved gives the token pair', async (t) => {
  const { fake, clock, shown, result } = await run(t, ['pending', 'pending', 'approve']);
  const grant = await result;
  assert.ok(fake.isAccessValid(grant.accessToken));
  assert.ok(grant.refreshToken !== null && fake.isRefreshUsable(grant.refreshToken));
  assert.deepEqual(grant.scopes, ['chat:read', 'chat:edit']);
  assert.equal(shown[0]?.userCode, 'ABCDEFGH');
  assert.match(shown[0]!.verificationUri, /^https:\/\/www\.twitch\.tv\/activate/);
  assert.deepEqual(clock.sleeps, [5000, 5000, 5000], 'polls at the interval Twitch gave');
  const device = fake.requests.find((r) => r.path === '/oauth2/device')!;
  assert.deepEqual(device.form, { client_id: CLIENT_ID, scopes: 'chat:read chat:edit' });
  const poll = fake.requests.find((r) => r.path === '/oauth2/token')!;
  assert.equal(poll.form['grant_type'], 'urn:ietf:params:oauth:grant-type:device_code');
  assert.equal(poll.form['scopes'], 'chat:read chat:edit');
  assert.equal(fake.count('/oauth2/token'), 3);
});

test('device flow: slow_down makes every later poll 5 s slower', async (t) => {
  const { clock, result } = await run(t, ['pending', 'slow_down', 'pending', 'slow_down', 'approve']);
  await result;
  assert.deepEqual(clock.sleeps, [5000, 5000, 10000, 10000, 15000]);
});

test('device flow: a code Twitch calls invalid (expired) ends with a clear error', async (t) => {
  const { result } = await run(t, ['pending', 'expire']);
  await assert.rejects(result, (err: unknown) => err instanceof AuthError && err.kind === 'expired' && /expired before it was approved/.test(err.message));
});

test('device flow: the code expiring locally ends polling at the deadline', async (t) => {
  const { fake, result } = await run(t, [], (f) => (f.deviceExpiresInS = 30));
  await assert.rejects(result, (err: unknown) => err instanceof AuthError && err.kind === 'expired');
  assert.equal(fake.count('/oauth2/token'), 5, 'five polls fit in 30 s at a 5 s interval');
});

test('device flow: the user declining ends with a "declined" error', async (t) => {
  const { result } = await run(t, ['pending', 'deny']);
  await assert.rejects(result, (err: unknown) => err instanceof AuthError && err.kind === 'denied' && /declined/.test(err.message));
});

test('device flow: a poll that fails with 503 is retried, not fatal', async (t) => {
  const { retries, result } = await run(t, ['approve'], (f) => f.failNext('/oauth2/token', { status: 503 }));
  const grant = await result;
  assert.ok(grant.accessToken.length > 0);
  assert.equal(retries.length, 1);
  assert.match(retries[0]!, /503/);
});

test('device flow: an unknown client id is reported with what Twitch answered', async (t) => {
  const fake = await new FakeTwitchId().start();
  t.after(() => fake.stop());
  const result = runDeviceFlow({ client: new TwitchIdClient({ baseUrl: fake.baseUrl }), clientId: 'nosuchclient', clock: new FakeClock(0, true), onCode: () => undefined });
  await assert.rejects(result, (err: unknown) => err instanceof AuthError && err.kind === 'rejected' && err.message === 'device authorization: Twitch answered 400 invalid client');
});
