import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, loadConfig, resolveConfig, type LoadConfigOptions } from '../../src/config.js';
import { redactSecrets } from '../../src/log.js';
import { tempDir } from '../auth/helpers.js';

/** A working directory with the given files (path → text). */
function project(t: TestContext, files: Record<string, string> = {}): string {
  const { dir, cleanup } = tempDir('saltmine-config-');
  t.after(cleanup);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text, { mode: 0o600 });
  }
  return dir;
}

function load(cwd: string, options: LoadConfigOptions = {}) {
  return resolveConfig({ cwd, env: {}, ...options });
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  assert.fail('expected a ConfigError');
}

test('with no files, no environment and no flags every setting is its default, paths resolved', (t) => {
  const cwd = project(t);
  const { config, warnings } = load(cwd);
  assert.deepEqual(config, {
    ...DEFAULTS,
    database: { ...DEFAULTS.database, path: join(cwd, 'data', 'saltmine.db') },
    auth: { ...DEFAULTS.auth, tokenFile: join(cwd, 'keyz', 'token.json') },
  });
  assert.deepEqual(warnings, []);
});

test('precedence: flags > environment > .env > config/config.json > keyz/credentials.key > defaults', (t) => {
  const cwd = project(t, {
    'config/config.json': JSON.stringify({ api: { port: 6000, host: '0.0.0.0' }, auth: { clientId: 'fromconfig' }, writer: { batchSize: 10 } }),
    'keyz/credentials.key': 'client_id=fromcredentials\nclient_secret=zzsecretfromcredentials\n',
    '.env': 'SALTMINE_API_PORT=6500\nSALTMINE_API_HOST=10.0.0.1\nSALTMINE_WRITER_BATCH_SIZE=20\n',
  });
  const env = { SALTMINE_API_PORT: '7000', SALTMINE_API_HOST: '10.0.0.2' };
  const all = load(cwd, { env, flags: { port: '8000' } });
  assert.equal(all.config.api.port, 8000);
  assert.equal(all.config.api.host, '10.0.0.2');
  assert.equal(all.config.writer.batchSize, 20);
  assert.equal(all.config.auth.clientId, 'fromconfig');
  assert.equal(all.config.auth.clientSecret, 'zzsecretfromcredentials');
  assert.equal(all.config.writer.flushIntervalMs, DEFAULTS.writer.flushIntervalMs);
  assert.deepEqual(
    { port: all.origins['api.port'], host: all.origins['api.host'], batch: all.origins['writer.batchSize'], id: all.origins['auth.clientId'], secret: all.origins['auth.clientSecret'], flush: all.origins['writer.flushIntervalMs'] },
    { port: 'flag --port', host: 'environment variable SALTMINE_API_HOST', batch: '.env SALTMINE_WRITER_BATCH_SIZE', id: 'config/config.json', secret: 'keyz/credentials.key', flush: 'default' },
  );
  assert.equal(load(cwd, { env }).config.api.port, 7000);
  assert.equal(load(cwd).config.api.port, 6500);
  assert.equal(load(cwd).config.api.host, '10.0.0.1');
});

test('the seed\'s config.json (nickname, channels) and credentials.key (comments) are read as they are', (t) => {
  const cwd = project(t, {
    'config/config.json': '{"nickname": "SaltBot", "channels": ["#xQcOW", "forsen", "xqcow"]}',
    'keyz/credentials.key': '# Twitch application\n\nclient_id = abc123\nclient_secret="zzsecretseed0000"\n',
  });
  const { config } = load(cwd);
  assert.equal(config.nickname, 'saltbot');
  assert.deepEqual(config.channels, ['#xqcow', '#forsen'], 'normalized like normalizeChannel(), duplicates dropped');
  assert.equal(config.auth.clientId, 'abc123');
  assert.equal(config.auth.clientSecret, 'zzsecretseed0000');
});

test('lists come from the environment comma- or space-separated, and an explicit config path wins over SALTMINE_CONFIG', (t) => {
  const cwd = project(t, { 'a.json': '{"nickname":"from_a"}', 'b.json': '{"nickname":"from_b"}' });
  const { config } = load(cwd, { env: { SALTMINE_CHANNELS: 'one, two three', SALTMINE_CONFIG: 'a.json', SALTMINE_CORS_ORIGINS: 'https://example.org' }, configPath: 'b.json' });
  assert.deepEqual(config.channels, ['#one', '#two', '#three']);
  assert.equal(config.nickname, 'from_b');
  assert.deepEqual(config.api.corsOrigins, ['https://example.org']);
  assert.equal(load(cwd, { env: { SALTMINE_CONFIG: 'a.json' } }).config.nickname, 'from_a');
});

test('the result is frozen all the way down', (t) => {
  const config = loadConfig({ cwd: project(t), env: {} });
  assert.throws(() => ((config.api as { port: number }).port = 1), TypeError);
  assert.throws(() => (config.channels as string[]).push('#x'), TypeError);
});

test('an explicitly given config file that does not exist is an error naming it', (t) => {
  const cwd = project(t);
  assert.equal(configError(() => load(cwd, { configPath: 'config/missing.json' })).message, 'config/missing.json: config file not found');
  assert.equal(configError(() => load(cwd, { env: { SALTMINE_CONFIG: 'elsewhere.json' } })).message, 'elsewhere.json: config file not found');
});

test('invalid JSON names the file, line and column, and never quotes the file', (t) => {
  const cwd = project(t, { 'config/config.json': '{\n  "auth": {"clientSecret": "zzsecretinjson000"\n  "nickname": "x"\n}' });
  const err = configError(() => load(cwd));
  assert.match(err.message, /^config\/config\.json: not valid JSON: Expected ',' or '}' after property value at line 3, column 3$/);
  assert.equal(err.source, 'config/config.json');
});

test('an unknown key names the file and the full key, and lists the known keys there', (t) => {
  const cwd = project(t, { 'config/config.json': '{"irc": {"joinrate": {"limit": 5}}}' });
  const err = configError(() => load(cwd));
  assert.equal(err.key, 'irc.joinrate');
  assert.match(err.message, /^config\/config\.json: key "irc\.joinrate": unknown key \(known keys here: serverUrl, channelsPerConnection, joinRate,/);
  assert.match(configError(() => load(project(t, { 'config/config.json': '{"chanels": []}' }))).message, /key "chanels": unknown key/);
});

test('a value of the wrong type names the file and key', (t) => {
  const cwd = project(t, { 'config/config.json': '{"api": {"port": "5000"}, "writer": {"batchSize": 0}}' });
  const err = configError(() => load(cwd));
  assert.ok(err.key === 'api.port' || err.key === 'writer.batchSize');
  assert.equal(err.message.split('\n').length, 2, 'every problem is reported at once');
  assert.match(err.message, /^config\/config\.json: key "api\.port": Invalid input: expected number, received string$/m);
  assert.match(err.message, /^config\/config\.json: key "writer\.batchSize": .*>0/m);
});

test('a bad channel name names the file, the list position and the name', (t) => {
  const cwd = project(t, { 'config/config.json': '{"channels": ["xqcow", "not a channel"]}' });
  const err = configError(() => load(cwd));
  assert.equal(err.key, 'channels[1]');
  assert.equal(err.message, 'config/config.json: key "channels[1]": "not a channel" is not a Twitch channel name (optional #, then letters, digits and _, 1 to 25 characters)');
  for (const bad of ['#', 'a'.repeat(26), 'x!y', '##double']) {
    assert.throws(() => load(cwd, { env: { SALTMINE_CHANNELS: bad } }), ConfigError, bad);
  }
});

test('a top-level value that is not an object is refused', (t) => {
  assert.equal(configError(() => load(project(t, { 'config/config.json': '["xqcow"]' }))).message, 'config/config.json: expected a JSON object at the top level, got an array');
});

test('bad environment values and flags name the variable or flag and the key', (t) => {
  const cwd = project(t);
  assert.equal(configError(() => load(cwd, { env: { SALTMINE_API_PORT: 'abc' } })).message, 'environment variable SALTMINE_API_PORT (api.port): expected an integer, got "abc"');
  assert.match(configError(() => load(cwd, { env: { SALTMINE_AUTH_FALLBACK: 'panic' } })).message, /^environment variable SALTMINE_AUTH_FALLBACK \(auth\.fallback\): Invalid option/);
  assert.match(configError(() => load(cwd, { flags: { port: '70000' } })).message, /^flag --port \(api\.port\): .*65535/);
  assert.match(configError(() => load(cwd, { flags: { logLevel: 'loud' } })).message, /^flag --log-level \(log\.level\)/);
  assert.match(configError(() => load(cwd, { env: { SALTMINE_LOG_FORMAT: 'xml' } })).message, /^environment variable SALTMINE_LOG_FORMAT \(log\.format\): Invalid option/);
  assert.match(configError(() => load(cwd, { env: { SALTMINE_IRC_URL: 'http://irc.chat.twitch.tv' } })).message, /SALTMINE_IRC_URL \(irc\.serverUrl\): "http:\/\/irc\.chat\.twitch\.tv" is not a URL with scheme ircs: or irc: or wss: or ws:/);
});

test('settings that contradict each other name where the value came from', (t) => {
  const cwd = project(t, { 'config/config.json': '{"irc": {"reconnect": {"maxMs": 500}}}' });
  const err = configError(() => load(cwd));
  assert.equal(err.message, 'config/config.json: key "irc.reconnect.maxMs" (500) must be at least irc.reconnect.minMs (1000)');
});

test('an unknown SALTMINE_ variable is an error in .env and a warning in the process environment', (t) => {
  const cwd = project(t, { '.env': 'SALTMINE_APIPORT=1\nOTHER_TOOL=1\n' });
  assert.equal(configError(() => load(cwd)).message, '.env: unknown variable SALTMINE_APIPORT (see .env.example for the known ones)');
  const clean = project(t);
  assert.deepEqual(load(clean, { env: { SALTMINE_APIPORT: '1' } }).warnings, ['environment variable SALTMINE_APIPORT is not a saltmine setting and is ignored']);
});

test('the launcher\'s SALTMINE_MAX_HEAP_MB / SALTMINE_HEAP_CAPPED are known in the environment but not in .env (read before it)', (t) => {
  const clean = project(t);
  assert.deepEqual(load(clean, { env: { SALTMINE_MAX_HEAP_MB: '512', SALTMINE_HEAP_CAPPED: '1' } }).warnings, []);
  const cwd = project(t, { '.env': 'SALTMINE_MAX_HEAP_MB=512\n' });
  assert.equal(configError(() => load(cwd)).message, '.env: unknown variable SALTMINE_MAX_HEAP_MB (see .env.example for the known ones)');
});

test('credentials.key: an unknown key names file and line; group-readable files are warned about', (t) => {
  const cwd = project(t, { 'keyz/credentials.key': '# c\nclient_id=abc\npassword=zzsecretpass000\n' });
  assert.equal(configError(() => load(cwd)).message, 'keyz/credentials.key line 3: unknown key "password" (known keys: client_id, client_secret)');
  const readable = project(t, { 'keyz/credentials.key': 'client_id=abc\n' });
  chmodSync(join(readable, 'keyz/credentials.key'), 0o644);
  assert.match(load(readable).warnings[0] ?? '', /keyz\/credentials\.key holds the client secret but can be read by other users/);
});

test('secret values are never repeated in errors, and once loaded they are redacted everywhere', (t) => {
  const cwd = project(t, { 'config/config.json': '{"auth": {"clientSecret": 12345678901}}' });
  assert.doesNotMatch(configError(() => load(cwd)).message, /12345678901/);
  const bad = project(t);
  assert.doesNotMatch(configError(() => load(bad, { env: { SALTMINE_CLIENT_SECRET: 'zzsecretenv00000', SALTMINE_WRITER_BATCH_SIZE: 'zzsecretenv00000' } })).message, /zzsecretenv/);
  const pg = configError(() => load(project(t), { env: { SALTMINE_CLIENT_SECRET: 'zzsecretregistered0', SALTMINE_POSTGRES_URL: 'postgres://me:zzsecretpgpass@db/saltmine' } }));
  assert.match(pg.message, /^environment variable SALTMINE_POSTGRES_URL: key "database\.postgresUrl": this version of saltmine stores into SQLite only/);
  assert.doesNotMatch(pg.message, /zzsecretpgpass/);
  assert.equal(redactSecrets('x zzsecretregistered0 y zzsecretpgpass'), 'x [REDACTED] y [REDACTED]');
});
