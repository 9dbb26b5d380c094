// `saltmine import FILE... --db PATH`: raw IRC logs (one line per line, gzip or not) through the same
// writer as live data. A file whose content was imported completely before is skipped (by SHA-256), so
// importing the same file twice changes nothing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { addConfigOptions } from '../config.js';
import { parseLine } from '../irc/parse.js';
import { toEvent } from '../twitch/map.js';
import { ThreadedSqliteStore } from '../store/sqlite/threaded-store.js';
import { BatchWriter } from '../store/writer.js';
import { CliError } from './errors.js';
import { isIrcLine, lines, openLog } from './input.js';
import { configFromFlags } from './options.js';

/** Writer page cache for an import, MiB (a recording has 16): a 1,000,000-line import took 60 s with 128, 72 s with 32. */
const IMPORT_CACHE_MIB = 128;

export interface ImportReport {
  file: string;
  skipped: boolean;
  lines: number;
  malformed: number;
  duplicates: number;
  events: Record<string, number>;
  rows: Record<string, number>;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

class Progress {
  private last = 0;
  constructor(private readonly file: string, private readonly size: number | null, private readonly enabled: boolean) {}

  update(bytes: number, lineCount: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const pct = this.size ? Math.min(100, (bytes / this.size) * 100) : null;
    const width = 30;
    const bar = pct === null ? '' : '[' + '#'.repeat(Math.round((pct / 100) * width)).padEnd(width, '.') + '] ' + pct.toFixed(1).padStart(5) + '% ';
    process.stderr.write(`\r${this.file} ${bar}${lineCount.toLocaleString('en-US')} lines`);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

/**
 * Imports one file into the store. Receive time of an imported line is unknown: it is taken as the line's
 * tmi-sent-ts, or the last tmi-sent-ts seen before it in the file, or the import time for a file without any.
 */
export async function importFile(store: ThreadedSqliteStore, writer: BatchWriter, file: string, showProgress: boolean): Promise<ImportReport> {
  const report: ImportReport = { file, skipped: false, lines: 0, malformed: 0, duplicates: 0, events: {}, rows: {} };
  const hash = file === '-' ? null : await sha256Of(file).catch(() => null);
  if (hash !== null && store.isImported(hash)) return { ...report, skipped: true };
  const { stream, size, file: fileStream } = await openLog(file);
  const progress = new Progress(file, size, showProgress);
  const before = { lines: writer.totals.lines, duplicates: writer.totals.duplicates, malformed: writer.totals.malformed, rows: { ...writer.totals.rows } };
  let lastTs = Date.now();
  const input = lines(stream)[Symbol.asyncIterator]();
  let readError: CliError | null = null;
  for (;;) {
    // Only a failed read is caught here: a corrupt or truncated gzip names its file, the lines before it are
    // still written, and the next file is imported. A failed write (below) ends the whole import.
    let next: IteratorResult<string>;
    try {
      next = await input.next();
    } catch (err) {
      fileStream?.destroy();
      readError = new CliError(`cannot read ${file} after ${report.lines} lines: ${(err as Error).message}; the lines before were imported, the file is not marked imported`, 2);
      break;
    }
    if (next.done) break;
    const line = next.value;
    if (!isIrcLine(line)) continue;
    const event = toEvent(parseLine(line));
    if (event.tmiSentTs !== null) lastTs = event.tmiSentTs;
    report.events[event.type] = (report.events[event.type] ?? 0) + 1;
    report.lines++;
    // Above the high-water mark: write the backlog before reading on (flush, unlike 'drain', rejects on a failed write).
    if (!writer.push({ line, receivedMs: event.tmiSentTs ?? lastTs })) await writer.flush();
    progress.update(fileStream?.bytesRead ?? 0, report.lines);
  }
  await writer.flush();
  progress.done();
  if (readError !== null) throw readError;
  report.duplicates = writer.totals.duplicates - before.duplicates;
  report.malformed = writer.totals.malformed - before.malformed;
  for (const table in writer.totals.rows) {
    const added = writer.totals.rows[table]! - (before.rows[table] ?? 0);
    if (added > 0) report.rows[table] = added;
  }
  if (hash !== null) await store.markImported(hash, file, report.lines);
  return report;
}

function printReport(report: ImportReport): void {
  const out = process.stdout;
  if (report.skipped) {
    out.write(`${report.file}: already imported (same content), skipped\n`);
    return;
  }
  out.write(`${report.file}: ${report.lines} lines, ${report.malformed} malformed, ${report.duplicates} duplicates\n`);
  out.write('  events:\n');
  for (const [type, n] of Object.entries(report.events).sort((a, b) => b[1] - a[1])) out.write(`    ${type.padEnd(18)} ${n}\n`);
  out.write('  rows added:\n');
  for (const [table, n] of Object.entries(report.rows).sort((a, b) => b[1] - a[1])) out.write(`    ${table.padEnd(18)} ${n}\n`);
}

export function registerImport(program: Command): void {
  const command = program
    .command('import')
    .description('store raw IRC log files (one line per line, gzip or not) in the database')
    .argument('<files...>', 'log files, or - for stdin')
    .option('--json', 'print the report as JSON')
    .option('--no-search', 'do not maintain the full-text search index (faster import)');
  addConfigOptions(command, ['config', 'db'])
    .action(async (files: string[], options: { json?: boolean; search: boolean }) => {
      const db = configFromFlags(options).database.path;
      // Parsing here for the report overlaps with the write thread's inserts.
      let store: ThreadedSqliteStore;
      try {
        store = await ThreadedSqliteStore.open(db, { search: options.search, cacheMiB: IMPORT_CACHE_MIB });
      } catch (err) {
        throw new CliError((err as Error).message, 2);
      }
      // A batch the database keeps refusing ends the import with its error instead of a silent retry loop.
      const writer = new BatchWriter(store, { maxBatch: 5000, highWaterMark: 20_000, maxAttempts: 3 });
      const reports: ImportReport[] = [];
      let failed = false;
      try {
        for (const file of files) {
          try {
            const report = await importFile(store, writer, file, !options.json && process.stderr.isTTY === true);
            reports.push(report);
            if (!options.json) printReport(report);
          } catch (err) {
            if (!(err instanceof CliError)) {
              throw new CliError(`${db}: writing ${file} failed: ${(err as Error).message}; ${writer.queued} lines were not written and the file is not marked imported`, 1);
            }
            process.stderr.write(`saltmine: ${err.message}\n`);
            failed = true;
          }
        }
        await writer.close();
      } finally {
        await store.close();
      }
      if (options.json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
      if (failed) throw new CliError('some files could not be imported', 2);
    });
}
