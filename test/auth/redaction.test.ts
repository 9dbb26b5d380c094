// One redaction layer: pino's key-based redact, the text pass over every log line (streamWrite), and
// formatError()/redactSecrets() for errors that leave the process. The last test runs the other auth and
// config-loader test files with every log line and CLI output echoed, and searches all of it for the test secrets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError, redactSecrets, registerSecret } from '../../src/log.js';
import { AuthError } from '../../src/auth/errors.js';
import { SECRET_MARK } from './fake-twitch-id.js';
import { captureLogger } from './helpers.js';

test('credential-shaped text is redacted even when the value was never registered', () => {
  const cases: Array<[string, string]> = [
    ['PASS oauth:abcdef0123456789', 'PASS oauth:[REDACTED]'],
    ['client_id=x&refresh_token=abc%2Fdef&grant_type=refresh_token', 'client_id=x&refresh_token=[REDACTED]&grant_type=refresh_token'],
    ['{"access_token":"abc","expires_in":3600,"client_secret" : "s\\"x"}', '{"access_token":"[REDACTED]","expires_in":3600,"client_secret" : "[REDACTED]"}'],
    ['{"accessToken":"abc","refreshToken":null}', '{"accessToken":"[REDACTED]","refreshToken":null}'],
    ["headers: { authorization: 'OAuth abcdef' }", "headers: { authorization: 'OAuth [REDACTED]' }"],
    ['Authorization: Bearer abc.def', 'Authorization: Bearer [REDACTED]'],
    ['http://localhost:3000/?code=abc&state=1', 'http://localhost:3000/?code=[REDACTED]&state=1'],
    ['the user_code=ABCDEFGH stays', 'the user_code=ABCDEFGH stays'],
    ['https://www.twitch.tv/activate?public=true&device-code=ABCDEFGH', 'https://www.twitch.tv/activate?public=true&device-code=ABCDEFGH'],
    ['process exited with code=1', 'process exited with code=1'],
  ];
  for (const [input, expected] of cases) assert.equal(redactSecrets(input), expected, input);
});

test('a registered secret is redacted in any surrounding text, raw, URL-encoded or JSON-escaped', () => {
  registerSecret('zzsecretregistered/with+odd=chars');
  assert.equal(redactSecrets('a zzsecretregistered/with+odd=chars b'), 'a [REDACTED] b');
  assert.equal(redactSecrets(`x=${encodeURIComponent('zzsecretregistered/with+odd=chars')}`), 'x=[REDACTED]');
  registerSecret('short'); // too short to be treated as a secret: ordinary words must survive
  assert.equal(redactSecrets('a short word'), 'a short word');
});

test('log lines hide secrets by key, inside messages, inside errors and their causes', () => {
  registerSecret('zzsecretlogged000000');
  const { log, text } = captureLogger();
  log.info({ accessToken: 'zzsecretkey0000001', auth: { clientSecret: 'zzsecretkey0000002' }, headers: { authorization: 'OAuth zzsecretkey0000003' } }, 'tokens by key');
  log.warn('refresh failed for zzsecretlogged000000');
  log.error({ err: new Error('boom zzsecretlogged000000', { cause: new Error('refresh_token=zzsecretkey0000004') }) }, 'with an error');
  const output = text();
  assert.doesNotMatch(output, /zzsecret/);
  assert.match(output, /tokens by key/);
  assert.match(output, /refresh failed for \[REDACTED\]/);
});

test('formatError gives the whole cause chain, redacted', () => {
  registerSecret('zzsecretformat000000');
  const err = new AuthError('rejected', 'token refresh: Twitch answered 400 zzsecretformat000000', 400, { cause: new Error('body {"refresh_token":"zzsecretunregistered"}') });
  assert.equal(formatError(err), 'token refresh: Twitch answered 400 [REDACTED]: caused by: body {"refresh_token":"[REDACTED]"}');
  assert.doesNotMatch(formatError(err, { stack: true }), /zzsecret/);
});

test('no test secret appears anywhere in the output of the auth and config test runs', async () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = [
    ...readdirSync(here).filter((f) => f.endsWith('.test.js') && f !== 'redaction.test.js').map((f) => join(here, f)),
    // config/cli.test.js is left out: it only spawns failing configurations, which never reach a secret.
    join(here, '..', 'config', 'load.test.js'),
  ];
  assert.ok(files.length >= 6, `found ${files.length} test files`);
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    // NODE_TEST_CONTEXT would make the child report to this runner instead of printing its own output.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', ...files], { env: { ...env, TEST_ECHO_LOGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ code: status, output: text }));
  });
  assert.equal(code, 0, 'the echoed runs pass');
  assert.match(output, /refreshing the Twitch token/, 'log lines were echoed, so the search covers them');
  assert.match(output, /Signed in; token saved/, 'CLI output was echoed, so the search covers it');
  const leaks = output.split('\n').filter((line) => line.includes(SECRET_MARK));
  assert.deepEqual(leaks, []);
});
