// Benchmark 5 — storage: bytes on disk per stored line in the database `saltmine import` left behind (every
// table, the full-text index and the raw archive), split by SQLite's own page accounting (dbstat), beside
// the raw line itself and the same log as a gzip file (how plain-text loggers keep chat).
import { createReadStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { generatedLog, importedDatabase } from './import.js';
import type { BenchContext, BenchResult } from './result.js';
import { formatBytes, load1, ratio, significant } from './stats.js';

/** Which part of the schema a b-tree belongs to, by name. */
function groupOf(name: string): string {
  if (name.startsWith('raw')) return 'raw archive';
  if (name.startsWith('privmsg_fts')) return 'full-text index';
  if (name === 'privmsg') return 'privmsg rows';
  if (name.startsWith('privmsg_')) return 'privmsg indexes';
  if (/^(user|room|user_in_room)(_|$)|^sqlite_autoindex_(user|room)/.test(name)) return 'users and rooms';
  return 'other tables and indexes';
}

async function gzipSize(path: string): Promise<number> {
  let bytes = 0;
  await pipeline(createReadStream(path), createGzip({ level: 6 }), new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  }));
  return bytes;
}

export async function storageBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const started = Date.now();
  const loadBefore = load1();
  const { path, log } = await importedDatabase(ctx);
  const fileBytes = statSync(path).size;
  const db = new BetterSqlite3(path, { readonly: true });
  let pages: Array<{ name: string; bytes: number }>;
  try {
    pages = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>;
  } finally {
    db.close();
  }
  const groups = new Map<string, number>();
  for (const { name, bytes } of pages) groups.set(groupOf(name), (groups.get(groupOf(name)) ?? 0) + bytes);
  const used = pages.reduce((sum, p) => sum + p.bytes, 0);
  groups.set('free pages and file overhead', fileBytes - used);

  const lineBytes = (log.bytes - log.lines) / log.lines; // minus the newline ending each line
  const rawArchive = groups.get('raw archive') ?? 0;
  ctx.log('storage: gzip of the log for comparison');
  const gzipBytes = await gzipSize(generatedLog(ctx).path);
  const perLine = (bytes: number) => significant(bytes / log.lines, 3);
  const row = (what: string, bytes: number) => ({ what, bytes: formatBytes(bytes), perLine: perLine(bytes), vsRawLine: ratio(bytes / log.lines, lineBytes) });
  const totalPerLine = fileBytes / log.lines;
  return {
    name: 'storage',
    title: 'Storage',
    date: new Date(started).toISOString(),
    loadBefore,
    seconds: Math.round((Date.now() - started) / 1000),
    quick: ctx.quick,
    setup: { lines: log.lines, database: 'SQLite after `saltmine import` (full-text index on), WAL checkpointed', breakdown: 'dbstat page sizes per table and index' },
    tables: [
      {
        caption: 'Bytes on disk per stored line, against the raw line',
        columns: [{ key: 'what', label: 'What' }, { key: 'bytes', label: 'total' }, { key: 'perLine', label: 'bytes/line' }, { key: 'vsRawLine', label: '× raw line' }],
        rows: [
          row('raw IRC line (UTF-8, without CRLF)', lineBytes * log.lines),
          row('saltmine SQLite database, everything (raw archive included)', fileBytes),
          row('saltmine SQLite database without the raw archive', fileBytes - rawArchive),
          row('plain log file, gzip -6 (what text-file loggers keep)', gzipBytes),
        ],
      },
      {
        caption: 'Where the database bytes go',
        columns: [{ key: 'what', label: 'Part' }, { key: 'bytes', label: 'total' }, { key: 'perLine', label: 'bytes/line' }, { key: 'vsRawLine', label: '× raw line' }],
        rows: [...groups].sort((a, b) => b[1] - a[1]).map(([what, bytes]) => row(what, bytes)),
      },
    ],
    targets: [{
      what: 'bytes per stored line, raw archive included',
      target: `≤ the raw line (${significant(lineBytes, 3)} B)`,
      measured: `${significant(totalPerLine, 3)} B (${ratio(totalPerLine, lineBytes)}× the raw line)`,
      met: totalPerLine <= lineBytes,
    }],
    notes: ctx.quick ? ['--quick: 50,000 lines; fixed overheads weigh more than at 1,000,000.'] : [],
  };
}
