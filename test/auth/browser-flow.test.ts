import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runBrowserFlow } from '../../src/auth/browser-flow.js';
import { TwitchIdClient } from '../../src/auth/twitch-id.js';
import { AuthError } from '../../src/auth/errors.js';
import { CLIENT_ID, CLIENT_SECRET, FakeTwitchId } from './fake-twitch-id.js';

async function fakeServer(t: TestContext): Promise<FakeTwitchId> {
  const fake = await new FakeTwitchId().start();
  t.after(() => fake.stop());
  return fake;
}

/** Plays the browser: opens the authorize URL and follows Twitch's redirect to the loopback server. */
async function browse(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, text: await response.text() };
}

test('browser flow: the approved redirect with the right state is exchanged for a token', async (t) => {
  const fake = await fakeServer(t);
  let page: Promise<{ status: number; text: string }> | null = null;
  let authorizeUrl = '';
  const grant = await runBrowserFlow({
    client: new TwitchIdClient({ baseUrl: fake.baseUrl }),
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: 'http://127.0.0.1:0',
    onAuthorizeUrl: (url) => {
      authorizeUrl = url;
      page = browse(url);
    },
  });
  assert.ok(fake.isAccessValid(grant.accessToken));
  const params = new URL(authorizeUrl).searchParams;
  assert.match(params.get('state') ?? '', /^[0-9a-f]{32}$/);
  assert.equal(params.get('scope'), 'chat:read chat:edit');
  assert.match(params.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, 'the redirect URI is sent exactly as configured, port filled in');
  const exchange = fake.requests.find((r) => r.form['grant_type'] === 'authorization_code')!;
  assert.equal(exchange.form['redirect_uri'], params.get('redirect_uri'));
  assert.match((await page!)?.text ?? '', /Signed in/);
});

test('browser flow: a redirect with the wrong state is refused and the flow keeps waiting', async (t) => {
  const fake = await fakeServer(t);
  const ignored: string[] = [];
  const grant = await runBrowserFlow({
    client: new TwitchIdClient({ baseUrl: fake.baseUrl }),
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: 'http://127.0.0.1:0/callback',
    onIgnored: (message) => ignored.push(message),
    onAuthorizeUrl: (url) => {
      const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
      redirect.search = 'code=forged&state=0000';
      void browse(redirect.href).then((forged) => {
        assert.equal(forged.status, 400);
        void browse(url);
      });
    },
  });
  assert.ok(fake.isAccessValid(grant.accessToken));
  assert.equal(ignored.length, 1);
  assert.equal(fake.requests.filter((r) => r.form['code'] === 'forged').length, 0, 'a forged code is never exchanged');
});

test('browser flow: the user declining ends with a "denied" error', async (t) => {
  const fake = await fakeServer(t);
  fake.authorizeOutcome = 'deny';
  const result = runBrowserFlow({
    client: new TwitchIdClient({ baseUrl: fake.baseUrl }),
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: 'http://127.0.0.1:0',
    onAuthorizeUrl: (url) => void browse(url),
  });
  await assert.rejects(result, (err: unknown) => err instanceof AuthError && err.kind === 'denied' && /access_denied/.test(err.message));
});

test('browser flow: nobody signing in ends with a timeout error and frees the port', async (t) => {
  const fake = await fakeServer(t);
  let redirect = '';
  const result = runBrowserFlow({
    client: new TwitchIdClient({ baseUrl: fake.baseUrl }),
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: 'http://127.0.0.1:0',
    timeoutMs: 200,
    onAuthorizeUrl: (url) => (redirect = new URL(url).searchParams.get('redirect_uri')!),
  });
  await assert.rejects(result, (err: unknown) => err instanceof AuthError && err.kind === 'timeout' && /no sign-in within/.test(err.message));
  await assert.rejects(fetch(redirect, { signal: AbortSignal.timeout(2000) }), 'the loopback server is closed');
});
