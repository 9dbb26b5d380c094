// Benchmark 5 — storage: bytes on disk per stored line in the database `saltmine import` left behind (every
// table, the full-text index and the raw archive), split by SQLite's own page accounting (dbstat), beside
// the raw line itself and the same log as a gzip file (how plain-text loggers keep chat). Then what more of
// the same chat adds to that database when written as a recording writes it: a recording commits every
// writer.flushIntervalMs (250 ms by default), so a quiet one writes batches of a few lines.
import { copyFileSync, createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { DEFAULTS } from '../src/config/types.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { ChatGenerator } from './generate.js';
import { GENERATED_CHAT, generatedLog, importedDatabase, type GeneratedLog } from './import.js';
import { corpusLines } from './paths.js';
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

/** Batch sizes of a quiet, a moderate and a busy recording, and the import's 5,000 for comparison. */
const RECORDING_BATCHES = [2, 10, 100, 5000];
/** A recording's commit interval with the default settings: a batch of n lines is a recording at n × 1000 / this lines/s. */
const { flushIntervalMs } = DEFAULTS.writer;

/**
 * Chat that goes on from the generated log an hour after its last line: the same channels and users (the same
 * seed), new message ids. A recording adds it to the imported database, as a long recording adds to its own.
 */
function laterChat(log: GeneratedLog, count: number): { lines: string[]; receivedMs: number[]; bytes: number } {
  const startMs = GENERATED_CHAT.startMs + log.lines * GENERATED_CHAT.stepMs + 3_600_000;
  const generator = new ChatGenerator(corpusLines(), { ...GENERATED_CHAT, startMs });
  const lines: string[] = [];
  const receivedMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const line = generator.next();
    lines.push(line);
    // Received a quarter of a second after Twitch stamped it, as on a real connection.
    receivedMs.push(Number(/tmi-sent-ts=(\d+)/.exec(line)?.[1] ?? startMs) + 250);
    bytes += Buffer.byteLength(line);
  }
  return { lines, receivedMs, bytes };
}

interface Recording { batch: number; addedBytes: number; addedRawBytes: number; rawRows: number }

/** A copy of the imported database, to which the lines are written in batches of `batch`, as the collector's BatchWriter hands them over. */
async function recordInBatches(ctx: BenchContext, imported: string, chat: ReturnType<typeof laterChat>, batch: number): Promise<Recording> {
  const path = join(ctx.workDir, `recording-${batch}.db`);
  copyFileSync(imported, path);
  const rawBytes = (file: string) => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      return (db.prepare("SELECT sum(pgsize) AS bytes FROM dbstat WHERE name LIKE 'raw%'").get() as { bytes: number }).bytes;
    } finally {
      db.close();
    }
  };
  const before = { file: statSync(path).size, raw: rawBytes(path) };
  const store = openSqliteStore(path);
  for (let i = 0; i < chat.lines.length; i += batch) {
    await store.writeLines(chat.lines.slice(i, i + batch), chat.receivedMs.slice(i, i + batch));
  }
  await store.close();
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT count(*) AS n FROM raw_block WHERE first_ms >= ?').get(chat.receivedMs[0]!) as { n: number };
    return { batch, addedBytes: statSync(path).size - before.file, addedRawBytes: rawBytes(path) - before.raw, rawRows: rows.n };
  } finally {
    db.close();
    rmSync(path);
  }
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

  const recorded = laterChat(log, ctx.quick ? 5_000 : 100_000);
  const recordedLineBytes = recorded.bytes / recorded.lines.length;
  const recordings: Recording[] = [];
  for (const batch of RECORDING_BATCHES) {
    ctx.log(`storage: ${recorded.lines.length.toLocaleString('en-US')} more lines recorded in batches of ${batch}`);
    recordings.push(await recordInBatches(ctx, path, recorded, batch));
  }
  const smallest = recordings[0]!;
  const perRecorded = (bytes: number) => bytes / recorded.lines.length;
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
      {
        caption: `A recording's batches: ${recorded.lines.length.toLocaleString('en-US')} more lines of the same chat (raw line ${significant(recordedLineBytes, 3)} B) added to a copy of this database in batches, as a recording commits them every ${flushIntervalMs} ms; growth of the file per added line`,
        columns: [
          { key: 'batch', label: 'lines per batch' },
          { key: 'perLine', label: 'file growth, bytes/line' },
          { key: 'vsRawLine', label: '× raw line' },
          { key: 'rawArchive', label: 'raw archive growth, bytes/line' },
          { key: 'rawRows', label: 'raw_block rows added (small blocks merged)' },
        ],
        rows: recordings.map((r) => ({
          batch: r.batch === 5000 ? '5,000 (as `saltmine import` writes)' : `${r.batch} (${((r.batch * 1000) / flushIntervalMs).toLocaleString('en-US')} lines/s)`,
          perLine: significant(perRecorded(r.addedBytes), 3),
          vsRawLine: ratio(perRecorded(r.addedBytes), recordedLineBytes),
          rawArchive: significant(perRecorded(r.addedRawBytes), 3),
          rawRows: r.rawRows,
        })),
      },
    ],
    targets: [{
      what: 'bytes per stored line, raw archive included',
      target: `≤ the raw line (${significant(lineBytes, 3)} B)`,
      measured: `${significant(totalPerLine, 3)} B (${ratio(totalPerLine, lineBytes)}× the raw line)`,
      met: totalPerLine <= lineBytes,
    }, {
      what: `bytes per line a recording in batches of ${smallest.batch} lines adds, raw archive included`,
      target: `≤ the raw line (${significant(recordedLineBytes, 3)} B)`,
      measured: `${significant(perRecorded(smallest.addedBytes), 3)} B (${ratio(perRecorded(smallest.addedBytes), recordedLineBytes)}× the raw line)`,
      met: perRecorded(smallest.addedBytes) <= recordedLineBytes,
    }],
    notes: ctx.quick ? ['--quick: 50,000 lines; fixed overheads weigh more than at 1,000,000.'] : [],
  };
}
