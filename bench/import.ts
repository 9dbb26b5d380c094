// Benchmark 3 — import: `saltmine import` (the real CLI, a child process) on a large generated log, with the
// full-text index (the default) and without it (`--no-search`). The database it leaves behind is the input
// of the storage benchmark.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './child.js';
import { ChatGenerator, writeLog, type GeneratorOptions } from './generate.js';
import { corpusLines } from './paths.js';
import type { BenchContext, BenchResult } from './result.js';
import { formatBytes, load1, ratio, significant } from './stats.js';

export interface GeneratedLog {
  path: string;
  lines: number;
  bytes: number;
}

/** The generated log's chat: its channels, users and times (the storage benchmark records more of the same). */
export const GENERATED_CHAT: GeneratorOptions = { channels: 50, users: 200_000, startMs: Date.UTC(2024, 0, 1), stepMs: 50 };

/** The generated log, made once per run and shared (import and storage both read it). */
export function generatedLog(ctx: BenchContext): GeneratedLog {
  const cached = ctx.artifacts.get('log') as GeneratedLog | undefined;
  if (cached) return cached;
  const lines = ctx.quick ? 50_000 : 1_000_000;
  const path = join(ctx.workDir, `generated-${lines}.log`);
  const t0 = Date.now();
  const generator = new ChatGenerator(corpusLines(), GENERATED_CHAT);
  const bytes = writeLog(path, generator, lines);
  ctx.log(`generated ${lines.toLocaleString('en-US')} lines (${formatBytes(bytes)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const log = { path, lines, bytes };
  ctx.artifacts.set('log', log);
  return log;
}

interface ImportReport { lines: number; malformed: number; duplicates: number; rows: Record<string, number> }

export interface ImportedDb {
  path: string;
  log: GeneratedLog;
  search: boolean;
}

async function importOnce(ctx: BenchContext, log: GeneratedLog, search: boolean) {
  const db = join(ctx.workDir, `import-${search ? 'search' : 'nosearch'}.db`);
  ctx.log(`import: saltmine import ${log.lines.toLocaleString('en-US')} lines${search ? '' : ' --no-search'}`);
  const run = await runCli(['import', log.path, '--db', db, '--json', ...(search ? [] : ['--no-search'])]);
  const [report] = JSON.parse(run.stdout) as ImportReport[];
  if (report === undefined || report.lines !== log.lines) throw new Error(`import: ${log.lines} lines generated but the report says ${report?.lines}`);
  const stored = report.rows['raw'] ?? 0;
  if (stored !== log.lines) throw new Error(`import: ${log.lines} lines given, ${stored} archived in raw`);
  return { db, run, report, dbBytes: statSync(db).size };
}

/** The database of a default import of the generated log: the import benchmark's, or made now. */
export async function importedDatabase(ctx: BenchContext): Promise<ImportedDb> {
  const cached = ctx.artifacts.get('importedDb') as ImportedDb | undefined;
  if (cached) return cached;
  const log = generatedLog(ctx);
  const { db } = await importOnce(ctx, log, true);
  const imported = { path: db, log, search: true };
  ctx.artifacts.set('importedDb', imported);
  return imported;
}

export async function importBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const started = Date.now();
  const loadBefore = load1();
  const log = generatedLog(ctx);
  const variants = ctx.quick ? [true] : [true, false];
  const rows = [];
  let baseline: number | null = null;
  for (const search of variants) {
    const { db, run, report, dbBytes } = await importOnce(ctx, log, search);
    const linesPerSec = log.lines / run.seconds;
    baseline ??= linesPerSec;
    rows.push({
      variant: search ? 'saltmine import (full-text index on, the default)' : 'saltmine import --no-search',
      lines: log.lines,
      seconds: significant(run.seconds, 3),
      linesPerSec: Math.round(linesPerSec),
      mbPerSec: significant(log.bytes / 2 ** 20 / run.seconds, 3),
      vsDefault: ratio(linesPerSec, baseline),
      peakRssMb: run.peakRssMb,
      privmsgRows: report.rows['privmsg'] ?? 0,
    });
    if (search) ctx.artifacts.set('importedDb', { path: db, log, search } satisfies ImportedDb);
    ctx.log(`import: ${Math.round(linesPerSec).toLocaleString('en-US')} lines/s, database ${formatBytes(dbBytes)}`);
  }
  return {
    name: 'import',
    title: 'Import',
    date: new Date(started).toISOString(),
    loadBefore,
    seconds: Math.round((Date.now() - started) / 1000),
    quick: ctx.quick,
    setup: { log: `${log.lines.toLocaleString('en-US')} lines generated from the xqcow corpus (50 channels, 200,000 users, fresh ids and times)`, logSize: formatBytes(log.bytes), timing: 'wall time of the whole child process (start, SHA-256 of the file, parse, write, final commit)' },
    tables: [{
      caption: 'saltmine import into SQLite (every table and the raw archive)',
      columns: [
        { key: 'variant', label: 'Run' },
        { key: 'lines', label: 'lines' },
        { key: 'seconds', label: 'seconds' },
        { key: 'linesPerSec', label: 'lines/s' },
        { key: 'mbPerSec', label: 'MiB/s of log' },
        { key: 'vsDefault', label: '× default' },
        { key: 'peakRssMb', label: 'peak memory MiB' },
      ],
      rows,
    }],
    targets: [],
    notes: ['No peer logger publishes an import path to compare with; the parse and live-ingest benchmarks hold the side-by-side figures.'],
  };
}
