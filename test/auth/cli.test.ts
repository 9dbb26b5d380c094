// `saltmine auth …` end to end: the built CLI in a child process against the fake identity server.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenFile } from '../../src/auth/token-file.js';
import { CLIENT_ID, CLIENT_SECRET, FakeTwitchId } from './fake-twitch-id.js';
import { runCli, tempDir } from './helpers.js';

interface Env {
  fake: FakeTwitchId;
  dir: string;
  tokenPath: string;
  cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** A token as `auth login` would have stored it. */
  storeToken(): { accessToken: string; refreshToken: string };
}

async function environment(t: TestContext): Promise<Env> {
  const fake = await new FakeTwitchId().start();
  fake.deviceIntervalS = 1;
  const { dir, cleanup } = tempDir('saltmine-auth-cli-');
  mkdirSync(join(dir, 'keyz'));
  writeFileSync(join(dir, 'keyz', 'credentials.key'), `# seed format\nclient_id=${CLIENT_ID}\nclient_secret=${CLIENT_SECRET}\n`, { mode: 0o600 });
  const outputs: string[] = [];
  t.after(async () => {
    await fake.stop();
    cleanup();
    const all = outputs.join('\n');
    for (const secret of fake.secrets()) assert.ok(!all.includes(secret), 'a secret appeared in CLI output');
  });
  const tokenPath = join(dir, 'keyz', 'token.json');
  return {
    fake,
    dir,
    tokenPath,
    async cli(...args) {
      const result = await runCli(args, { cwd: dir, env: { SALTMINE_TWITCH_ID_URL: fake.baseUrl } });
      outputs.push(result.stdout, result.stderr);
      return result;
    },
    storeToken() {
      const pair = fake.issue();
      new TokenFile(tokenPath).write({ ...pair, scopes: ['chat:read', 'chat:edit'], expiresAt: Date.now() + pair.expiresIn * 1000, obtainedAt: Date.now(), clientId: CLIENT_ID, login: 'saltbot', userId: '141981764' });
      return pair;
    },
  };
}

test('auth login (device flow) shows the code, waits for approval and saves the token with mode 0600', async (t) => {
  const env = await environment(t);
  env.fake.deviceSteps = ['approve'];
  const result = await env.cli('auth', 'login');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /open https:\/\/www\.twitch\.tv\/activate\?public=true&device-code=ABCDEFGH\nand enter the code ABCDEFGH/);
  assert.match(result.stdout, /Signed in; token saved to keyz\/token\.json/);
  assert.match(result.stdout, /login: saltbot \(user id 141981764\)/);
  assert.equal(statSync(env.tokenPath).mode & 0o777, 0o600);
  const stored = new TokenFile(env.tokenPath).read().token!;
  assert.ok(env.fake.isAccessValid(stored.accessToken));
  assert.equal(stored.login, 'saltbot');
});

test('auth login without a client id exits 2 and says where to set one', async (t) => {
  const env = await environment(t);
  writeFileSync(join(env.dir, 'keyz', 'credentials.key'), '# empty\n');
  const result = await env.cli('auth', 'login');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^saltmine: no Twitch client id: set auth\.clientId/);
});

test('auth status validates the token and prints login, scopes and expiry, never the token', async (t) => {
  const env = await environment(t);
  env.storeToken();
  const text = await env.cli('auth', 'status');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /token in keyz\/token\.json is valid/);
  assert.match(text.stdout, /scopes: chat:read chat:edit/);
  assert.match(text.stdout, /expires: in 3 h 55 min/);
  const json = await env.cli('auth', 'status', '--json');
  const shown = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(shown).sort(), ['clientId', 'expiresAt', 'login', 'scopes', 'tokenFile', 'userId', 'valid']);
  assert.equal(shown['valid'], true);
  assert.equal(env.fake.count('/oauth2/validate'), 2);
});

test('auth status on a revoked token says so and exits 1', async (t) => {
  const env = await environment(t);
  env.storeToken();
  env.fake.revokeAll();
  const result = await env.cli('auth', 'status');
  assert.equal(result.code, 1);
  assert.match(result.stdout, /is NOT valid any more/);
  assert.match(result.stderr, /saltmine auth refresh/);
});

test('auth status warns about a token file other users can read', async (t) => {
  const env = await environment(t);
  env.storeToken();
  chmodSync(env.tokenPath, 0o644);
  const result = await env.cli('auth', 'status');
  assert.equal(result.code, 0);
  assert.match(result.stderr, /warning: keyz\/token\.json can be read by other users \(mode 644\); run: chmod 600/);
});

test('auth status on a damaged token file exits 1 with a message naming the file, not a stack trace', async (t) => {
  const env = await environment(t);
  writeFileSync(env.tokenPath, '{"version":1,', { mode: 0o600 });
  const result = await env.cli('auth', 'status');
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'saltmine: keyz/token.json: the token file is not valid JSON (damaged?); delete it and run `saltmine auth login` again\n');
});

test('auth refresh rotates the pair and persists the new refresh token', async (t) => {
  const env = await environment(t);
  const old = env.storeToken();
  const result = await env.cli('auth', 'refresh');
  assert.equal(result.code, 0, result.stderr);
  const stored = new TokenFile(env.tokenPath).read().token!;
  assert.notEqual(stored.accessToken, old.accessToken);
  assert.ok(env.fake.isRefreshUsable(stored.refreshToken!));
  assert.ok(!env.fake.isRefreshUsable(old.refreshToken));
  const again = await env.cli('auth', 'refresh');
  assert.equal(again.code, 0, 'the stored refresh token was the fresh one');
});

test('auth refresh with a revoked refresh token exits 1 and points to login', async (t) => {
  const env = await environment(t);
  env.storeToken();
  env.fake.revokeAll();
  const result = await env.cli('auth', 'refresh');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /token refresh: Twitch answered 400 Invalid refresh token; run `saltmine auth login`/);
});

test('auth logout revokes both tokens at Twitch and deletes the file', async (t) => {
  const env = await environment(t);
  const pair = env.storeToken();
  const result = await env.cli('auth', 'logout');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /token revoked at Twitch/);
  assert.ok(!existsSync(env.tokenPath));
  assert.ok(!env.fake.isAccessValid(pair.accessToken));
  assert.ok(!env.fake.isRefreshUsable(pair.refreshToken));
  const status = await env.cli('auth', 'status');
  assert.equal(status.code, 1);
  assert.match(status.stderr, /not signed in \(no token at keyz\/token\.json\)/);
});

test('auth logout keeps the token when Twitch cannot be reached, unless --force', async (t) => {
  const env = await environment(t);
  env.storeToken();
  env.fake.failNext('/oauth2/revoke', { status: 503 }, 2);
  const kept = await env.cli('auth', 'logout');
  assert.equal(kept.code, 1);
  assert.match(kept.stderr, /still stored in keyz\/token\.json.*--force/);
  assert.ok(existsSync(env.tokenPath));
  const forced = await env.cli('auth', 'logout', '--force');
  assert.equal(forced.code, 0);
  assert.ok(!existsSync(env.tokenPath));
  assert.ok(readFileSync(join(env.dir, 'keyz', 'credentials.key'), 'utf8').includes('client_id='), 'credentials are untouched');
});
