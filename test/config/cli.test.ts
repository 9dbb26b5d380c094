// A bad configuration stops the CLI before it does anything: exit code 2, one clear message on stderr
// naming the file (or variable) and key, no stack trace.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../auth/helpers.js';

function project(t: TestContext, configJson?: string): string {
  const { dir, cleanup } = tempDir('saltmine-config-cli-');
  t.after(cleanup);
  if (configJson !== undefined) {
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'config.json'), configJson);
  }
  return dir;
}

async function expectConfigFailure(cwd: string, args: string[], message: RegExp, env: Record<string, string> = {}): Promise<void> {
  // An unreachable identity server: a config error must stop the command before any request.
  const result = await runCli(['auth', 'status', ...args], { cwd, env: { SALTMINE_TWITCH_ID_URL: 'http://127.0.0.1:9', ...env } });
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /);
}

test('cli: a config file given with --config that does not exist', async (t) => {
  await expectConfigFailure(project(t), ['--config', 'nope.json'], /^saltmine: nope\.json: config file not found\n$/);
});

test('cli: invalid JSON in config/config.json', async (t) => {
  await expectConfigFailure(project(t, '{"nickname": "bot",}'), [], /^saltmine: config\/config\.json: not valid JSON: .* at line 1, column 20\n$/);
});

test('cli: an unknown key in config/config.json', async (t) => {
  await expectConfigFailure(project(t, '{"api": {"prot": 5000}}'), [], /^saltmine: config\/config\.json: key "api\.prot": unknown key \(known keys here: host, port, corsOrigins, readThreads\)\n$/);
});

test('cli: a value of the wrong type in config/config.json', async (t) => {
  await expectConfigFailure(project(t, '{"channels": "xqcow"}'), [], /^saltmine: config\/config\.json: key "channels": Invalid input: expected array, received string\n$/);
});

test('cli: a bad channel name in config/config.json', async (t) => {
  await expectConfigFailure(project(t, '{"channels": ["xqcow", "bad-name"]}'), [], /^saltmine: config\/config\.json: key "channels\[1\]": "bad-name" is not a Twitch channel name/);
});

test('cli: a bad environment variable, and --config naming a directory', async (t) => {
  const cwd = project(t);
  await expectConfigFailure(cwd, [], /^saltmine: environment variable SALTMINE_AUTH_FALLBACK \(auth\.fallback\): Invalid option: expected one of "anonymous"\|"stop"\n$/, { SALTMINE_AUTH_FALLBACK: 'crash' });
  await expectConfigFailure(cwd, ['--config', '.'], /^saltmine: \/.*: config file is a directory\n$/);
});
