import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenFile, type StoredToken } from '../../src/auth/token-file.js';
import { AuthError } from '../../src/auth/errors.js';
import { tempDir } from './helpers.js';

const TOKEN: StoredToken = {
  accessToken: 'zzsecretaccess0000000000000001',
  refreshToken: 'zzsecretrefresh000000000000001',
  scopes: ['chat:read', 'chat:edit'],
  expiresAt: Date.UTC(2025, 0, 1, 4),
  obtainedAt: Date.UTC(2025, 0, 1),
  clientId: 'clientid',
  login: 'saltbot',
  userId: '141981764',
};

function fixture(t: import('node:test').TestContext): { dir: string; file: TokenFile } {
  const { dir, cleanup } = tempDir('saltmine-token-file-');
  t.after(cleanup);
  return { dir, file: new TokenFile(join(dir, 'keyz', 'token.json'), 'keyz/token.json') };
}

test('a written token reads back unchanged', (t) => {
  const { file } = fixture(t);
  file.write(TOKEN);
  assert.deepEqual(file.read(), { token: TOKEN, warnings: [] });
});

test('the file is created with mode 0600 and its directory with 0700, whatever the umask', (t) => {
  const { dir, file } = fixture(t);
  const previous = process.umask(0);
  try {
    file.write(TOKEN);
  } finally {
    process.umask(previous);
  }
  assert.equal(statSync(file.path).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'keyz')).mode & 0o777, 0o700);
});

test('a write replaces the file through a new inode (temp file + rename) and leaves no temp file', (t) => {
  const { dir, file } = fixture(t);
  file.write(TOKEN);
  const before = statSync(file.path).ino;
  file.write({ ...TOKEN, accessToken: 'zzsecretaccess0000000000000002' });
  assert.notEqual(statSync(file.path).ino, before, 'an in-place rewrite would keep the inode');
  assert.equal(file.read().token?.accessToken, 'zzsecretaccess0000000000000002');
  assert.deepEqual(readdirSync(join(dir, 'keyz')), ['token.json']);
});

test('a failed write reports the file and cleans up its temp file', (t) => {
  const { dir, file } = fixture(t);
  mkdirSync(file.path, { recursive: true }); // a directory where the file should be: rename fails
  assert.throws(() => file.write(TOKEN), (err: unknown) => err instanceof AuthError && err.kind === 'token_file' && /^keyz\/token\.json: cannot save the token \(E[A-Z]+\)$/.test(err.message));
  assert.deepEqual(readdirSync(join(dir, 'keyz')), ['token.json']);
});

test('a missing file reads as no token', (t) => {
  const { file } = fixture(t);
  assert.deepEqual(file.read(), { token: null, warnings: [] });
});

test('a group- or world-readable file is read with a warning that says how to fix it', (t) => {
  const { file } = fixture(t);
  file.write(TOKEN);
  chmodSync(file.path, 0o640);
  assert.deepEqual(file.read().warnings, ['keyz/token.json can be read by other users (mode 640); run: chmod 600 keyz/token.json']);
});

test('a damaged file is a token_file error that names the file and never quotes it', (t) => {
  const { file } = fixture(t);
  file.write(TOKEN);
  const text = readFileSync(file.path, 'utf8');
  writeFileSync(file.path, text.slice(0, text.length / 2));
  assert.throws(() => file.read(), (err: unknown) => {
    assert.ok(err instanceof AuthError && err.kind === 'token_file');
    assert.equal(err.message, 'keyz/token.json: the token file is not valid JSON (damaged?); delete it and run `saltmine auth login` again');
    return true;
  });
});

test('a JSON file of the wrong shape names the offending key', (t) => {
  const { file } = fixture(t);
  file.write(TOKEN);
  const data = JSON.parse(readFileSync(file.path, 'utf8')) as Record<string, unknown>;
  delete data['accessToken'];
  writeFileSync(file.path, JSON.stringify(data));
  assert.throws(() => file.read(), /^AuthError: keyz\/token\.json: not a saltmine token file \(key "accessToken": .*\); delete it/);
});

test('delete removes the file and reports whether there was one', (t) => {
  const { file } = fixture(t);
  file.write(TOKEN);
  assert.equal(file.delete(), true);
  assert.equal(file.delete(), false);
});
