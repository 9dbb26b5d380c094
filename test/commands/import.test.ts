// `saltmine import` as a real process on real files: counts per event type and per table, every line in the
// raw archive, the same content imported twice changes nothing, gzip, unreadable files named and skipped,
// the default database path, and a database that refuses writes ends the import with an error (no hang).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { ImportReport } from '../../src/commands/import.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fixturePath } from '../irc/corpus.js';
import { archivedLines, count, tempDir } from '../store/helpers.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const dir = tempDir('import');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function saltmine(args: string[], cwd = dir): Promise<Run> {
  return new Promise((resolve) => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: cwd, SALTMINE_LOG_LEVEL: 'warn' };
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

async function importJson(args: string[], cwd = dir): Promise<ImportReport[]> {
  const run = await saltmine(['import', ...args, '--json'], cwd);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as ImportReport[];
}

/** The file's lines as written (split on LF only), without the corpus comments and blank lines. */
function fileLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('# '));
}

async function withStore<T>(path: string, use: (store: SqliteStore) => T | Promise<T>): Promise<T> {
  const store = openSqliteStore(path);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe('saltmine import of the xqcow log', () => {
  const log = fixturePath('xqcow-2019-09-15.log');
  const db = join(dir, 'xqcow.db');
  const lines = fileLines(log);
  const privmsgLines = lines.filter((line) => line.includes(' PRIVMSG #')).length;
  const clearchatLines = lines.filter((line) => line.includes(' CLEARCHAT #')).length;
  const usernoticeLines = lines.filter((line) => line.includes(' USERNOTICE #')).length;

  it('stores one privmsg row per PRIVMSG line, one clearchat row per CLEARCHAT line, and every line in raw', async () => {
    const [report] = await importJson([log, '--db', db]);
    assert.equal(lines.length, 5000);
    assert.deepEqual({ skipped: report!.skipped, lines: report!.lines, malformed: report!.malformed, duplicates: report!.duplicates }, { skipped: false, lines: 5000, malformed: 0, duplicates: 0 });
    assert.deepEqual(report!.events, { privmsg: privmsgLines, clearchat: clearchatLines, usernotice: usernoticeLines });
    assert.equal(report!.rows['raw'], 5000);
    assert.equal(report!.rows['privmsg'], privmsgLines);
    assert.equal(report!.rows['clearchat'], clearchatLines);
    await withStore(db, (store) => {
      assert.equal(count(store, 'privmsg'), privmsgLines);
      assert.equal(count(store, 'clearchat'), clearchatLines);
      assert.deepEqual(archivedLines(store), lines);
    });
  });

  it('changes nothing when the same content is imported again, under its name or another', async () => {
    const before = await withStore(db, (store) => store.status());
    const copy = join(dir, 'renamed-copy.log');
    copyFileSync(log, copy);
    const reports = await importJson([log, copy, '--db', db]);
    assert.deepEqual(reports.map((r) => [r.file, r.skipped]), [[log, true], [copy, true]]);
    const afterImport = await withStore(db, (store) => store.status());
    assert.deepEqual(afterImport.tables, before.tables);
  });

  it('prints a readable report without --json', async () => {
    const run = await saltmine(['import', log, '--db', join(dir, 'text-report.db'), '--no-search']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 5000 lines, 0 malformed, 0 duplicates$`, 'm'));
    assert.match(run.stdout, new RegExp(`^ +privmsg +${privmsgLines}$`, 'm'));
  });
});

describe('saltmine import of other inputs', () => {
  it('ends a line at LF, CRLF and a lone CR alike', async () => {
    const one = '@id=c1 :a!a@a.tmi.twitch.tv PRIVMSG #c :one';
    const two = '@id=c2 :b!b@b.tmi.twitch.tv PRIVMSG #c :two';
    const three = '@id=c3 :c!c@c.tmi.twitch.tv PRIVMSG #c :three';
    const path = join(dir, 'cr.log');
    writeFileSync(path, `${one}\r${two}\r\n${three}\n`);
    const db = join(dir, 'cr.db');
    const [report] = await importJson([path, '--db', db]);
    assert.equal(report!.lines, 3);
    await withStore(db, (store) => assert.deepEqual(archivedLines(store), [one, two, three]));
  });

  it('reads gzip-compressed logs', async () => {
    const source = fixturePath('twitch-lines.txt');
    const gz = join(dir, 'twitch-lines.txt.gz');
    writeFileSync(gz, gzipSync(readFileSync(source)));
    const db = join(dir, 'gzip.db');
    const [report] = await importJson([gz, '--db', db]);
    const lines = fileLines(source);
    assert.equal(report!.lines, lines.length);
    // One line quotes ' PRIVMSG #' inside a 421 reply: count the lines whose command is PRIVMSG.
    assert.equal(report!.events['privmsg'], lines.filter((line) => / PRIVMSG #/.test(line) && !line.startsWith(':tmi.twitch.tv 421 ')).length);
    assert.equal(report!.rows['privmsg'], 89, '91 PRIVMSG lines, 2 of them repeat a message id');
    assert.equal(report!.duplicates, 3);
    await withStore(db, (store) => assert.deepEqual(archivedLines(store), lines));
  });

  it('imports the edge cases without an error, every line archived, malformed lines counted', async () => {
    const source = fixturePath('edge-cases.txt');
    const db = join(dir, 'edge.db');
    const [report] = await importJson([source, '--db', db]);
    const lines = fileLines(source);
    assert.equal(report!.lines, lines.length);
    assert.equal(report!.malformed, 1);
    assert.equal(report!.events['malformed'], 1);
    await withStore(db, async (store) => {
      assert.deepEqual(archivedLines(store), lines);
      assert.equal((await store.status()).tables['raw_malformed'], 1);
      assert.deepEqual(store.db.pragma('foreign_key_check'), []);
    });
  });

  it('names each file it cannot read, exits non-zero, and still imports the others', async () => {
    const db = join(dir, 'partly.db');
    const missing = join(dir, 'no-such-file.log');
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    const truncated = join(dir, 'truncated.log.gz');
    const whole = gzipSync(readFileSync(fixturePath('xqcow-2019-09-15.log')));
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const good = fixturePath('twitch-lines.txt');
    const run = await saltmine(['import', missing, directory, truncated, good, '--db', db, '--json']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`cannot read ${missing}: no such file`));
    assert.match(run.stderr, new RegExp(`cannot read ${directory}: is a directory`));
    const partial = /cannot read (\S+) after (\d+) lines: unexpected end of file/.exec(run.stderr);
    assert.equal(partial?.[1], truncated, run.stderr);
    const reports = JSON.parse(run.stdout) as ImportReport[];
    assert.deepEqual(reports.map((r) => r.file), [good]);
    await withStore(db, (store) => {
      const archived = archivedLines(store);
      const readBeforeTheCut = Number(partial![2]);
      assert.ok(readBeforeTheCut > 1000, 'the lines before the damage are kept');
      assert.deepEqual(archived, [...fileLines(fixturePath('xqcow-2019-09-15.log')).slice(0, readBeforeTheCut), ...fileLines(good)]);
      assert.equal(count(store, 'import'), 1, 'only the complete file is marked imported');
    });
  });

  it('defaults --db to ./data/saltmine.db, creating the directory', async () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const [report] = await importJson([fixturePath('twitch-lines.txt')], cwd);
    const db = join(cwd, 'data', 'saltmine.db');
    assert.ok(existsSync(db));
    await withStore(db, (store) => assert.equal(count(store, 'privmsg'), report!.rows['privmsg']));
  });

  it('ends with an error naming the database and the file when the database refuses the writes', async () => {
    const db = join(dir, 'refusing.db');
    await withStore(db, (store) => store.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON privmsg BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"));
    const source = fixturePath('twitch-lines.txt');
    const run = await saltmine(['import', source, '--db', db]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`${db}: writing ${source} failed: refused by trigger; \\d+ lines were not written and the file is not marked imported`));
    await withStore(db, (store) => assert.equal(count(store, 'import'), 0));
  });
});
