// The committed samples stay true: config.example.json is valid and shows the defaults, .env.example
// names every environment variable, credentials.example is the seed format the loader reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, resolveConfig, SETTINGS } from '../../src/config.js';
import { parseCredentials } from '../../src/config/credentials.js';
import { tempDir } from '../auth/helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(repo + path, 'utf8');

test('config/config.example.json loads and, apart from nickname and channels, states the defaults', (t) => {
  const { dir, cleanup } = tempDir('saltmine-example-');
  t.after(cleanup);
  const { config } = resolveConfig({ cwd: dir, env: {}, configPath: repo + 'config/config.example.json' });
  const { nickname, channels, ...rest } = JSON.parse(read('config/config.example.json')) as Record<string, unknown>;
  assert.equal(config.nickname, nickname);
  assert.deepEqual(config.channels, ['#xqcow', '#forsen']);
  assert.ok(Array.isArray(channels));
  const { nickname: _n, channels: _c, ...defaults } = DEFAULTS;
  const { clientSecret: _secret, ...authDefaults } = defaults.auth;
  assert.deepEqual(rest, { ...defaults, auth: authDefaults }, 'the example shows every key with its default (the secret belongs elsewhere)');
});

test('.env.example mentions every SALTMINE_ variable, and only known ones', () => {
  const text = read('.env.example');
  const named = new Set(text.match(/SALTMINE_[A-Z_]+/g));
  const known = new Set([...SETTINGS.map((s) => s.env), 'SALTMINE_CONFIG', 'SALTMINE_CREDENTIALS_FILE']);
  assert.deepEqual([...named].sort(), [...known].sort());
});

test('keyz/credentials.example parses as the seed format', () => {
  assert.deepEqual(parseCredentials(read('keyz/credentials.example'), 'keyz/credentials.example'), { clientId: null, clientSecret: null });
});
