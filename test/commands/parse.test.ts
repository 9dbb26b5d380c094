// `saltmine parse` end to end: the built CLI run as a child process, on a file and on stdin.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { corpusLines, fixturePath } from '../irc/corpus.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'saltmine-parse-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string | Buffer) {
  const result = spawnSync(process.execPath, [CLI, 'parse', ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function records(stdout: string): Record<string, unknown>[] {
  assert.ok(stdout.endsWith('\n'), 'output ends with a newline');
  return stdout.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

const SAMPLE = [
  '# a comment line',
  '',
  '@badge-info=;badges=;color=;display-name=receivertest3;emote-sets=0;user-id=422021310;user-type= :tmi.twitch.tv GLOBALUSERSTATE',
  '@ban-duration=5;room-id=11148817;target-user-id=70948394;tmi-sent-ts=1562587662677 :tmi.twitch.tv CLEARCHAT #pajlada :weeb123\r',
  '@key=value :tmi.twitch.tv P1NG',
  ':tetyys!tetyys@tetyys.tmi.twitch.tv PRIVMSG #pajlada :KKona 👉',
  '',
].join('\n');

function assertSample(stdout: string): void {
  const out = records(stdout);
  assert.equal(out.length, 4);
  assert.deepEqual(out.map((r) => (r['event'] as { type: string }).type), ['globaluserstate', 'clearchat', 'malformed', 'privmsg']);
  assert.deepEqual(Object.keys(out[0]!), ['raw', 'tags', 'prefix', 'command', 'params', 'event']);
  assert.deepEqual(out[1], {
    raw: '@ban-duration=5;room-id=11148817;target-user-id=70948394;tmi-sent-ts=1562587662677 :tmi.twitch.tv CLEARCHAT #pajlada :weeb123',
    tags: { 'ban-duration': '5', 'room-id': '11148817', 'target-user-id': '70948394', 'tmi-sent-ts': '1562587662677' },
    prefix: { nick: null, user: null, host: 'tmi.twitch.tv' },
    command: 'CLEARCHAT',
    params: ['#pajlada', 'weeb123'],
    event: {
      type: 'clearchat',
      channel: '#pajlada',
      roomId: '11148817',
      id: null,
      tmiSentTs: 1562587662677,
      targetLogin: 'weeb123',
      targetUserId: '70948394',
      banDuration: 5,
    },
  });
  assert.equal(out[2]!['malformed'], true);
  assert.equal(out[2]!['raw'], '@key=value :tmi.twitch.tv P1NG');
  assert.match(String(out[2]!['error']), /P1NG/);
  assert.deepEqual(out[3]!['params'], ['#pajlada', 'KKona 👉']);
  assert.equal('malformed' in out[3]!, false);
}

describe('saltmine parse', () => {
  it('prints one JSON object per IRC line of a file, skipping comments and blank lines', () => {
    const file = join(dir, 'sample.txt');
    writeFileSync(file, SAMPLE);
    const result = run([file]);
    assert.equal(result.status, 0, result.stderr);
    assertSample(result.stdout);
  });

  it('reads stdin when given "-" and when given no file', () => {
    for (const args of [['-'], []]) {
      const result = run(args, SAMPLE);
      assert.equal(result.status, 0, result.stderr);
      assertSample(result.stdout);
    }
  });

  it('reads a gzip file', () => {
    const file = join(dir, 'sample.txt.gz');
    writeFileSync(file, gzipSync(SAMPLE));
    const result = run([file]);
    assert.equal(result.status, 0, result.stderr);
    assertSample(result.stdout);
  });

  it('prints every line of the real corpus in order, none malformed', () => {
    const lines = corpusLines('twitch-lines.txt');
    const result = run([fixturePath('twitch-lines.txt')]);
    assert.equal(result.status, 0, result.stderr);
    const out = records(result.stdout);
    assert.deepEqual(out.map((r) => r['raw']), lines);
    assert.equal(out.filter((r) => r['malformed'] === true).length, 0);
  });

  it('prints all 5000 lines of the xqcow log (output larger than its write buffer)', () => {
    const result = run([fixturePath('xqcow-2019-09-15.log')]);
    assert.equal(result.status, 0, result.stderr);
    const out = records(result.stdout);
    assert.equal(out.length, 5000);
    assert.equal(out.filter((r) => (r['event'] as { type: string }).type === 'privmsg').length, 4933);
  });

  it('exits with code 2 and names the file when it does not exist', () => {
    const missing = join(dir, 'no-such-log.txt');
    const result = run([missing]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.ok(result.stderr.includes(missing), result.stderr);
    assert.match(result.stderr, /no such file/);
  });
});
