// `npm run bench [-- --quick] [-- --only parse,import]`: runs the benchmark suite and writes the results.
// A full run writes bench/results.json and the generated part of BENCHMARKS.md; a --quick run (the smoke
// run, under a minute) writes bench/results.local.json only, so it never replaces the published figures.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS_MD, RESULTS_JSON, RESULTS_LOCAL_JSON } from './paths.js';
import { apiBenchmark } from './api.js';
import { importBenchmark } from './import.js';
import { ingestBenchmark } from './ingest.js';
import { parseBenchmark } from './parse.js';
import { storageBenchmark } from './storage.js';
import { mergeResults, ORDER, renderResult, updateMarkdown } from './report.js';
import type { Benchmark, BenchContext, BenchResult } from './result.js';
import { load1 } from './stats.js';

const BENCHMARKS: Record<string, Benchmark> = {
  parse: parseBenchmark,
  ingest: ingestBenchmark,
  import: importBenchmark,
  api: apiBenchmark,
  storage: storageBenchmark,
};

const USAGE = `usage: npm run bench -- [--quick] [--only ${ORDER.join(',')}] [--keep]
  --quick   small inputs, few rounds (under a minute); writes bench/results.local.json only
  --only    run just these benchmarks (results.json keeps the others' last figures)
  --keep    keep the scratch directory (generated logs and databases) for inspection`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, keep: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } }).values;
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const available = ORDER.filter((name) => BENCHMARKS[name] !== undefined);
  const selected = args.only ? args.only.split(',').map((s) => s.trim()).filter((s) => s !== '') : available;
  const unknown = selected.filter((name) => BENCHMARKS[name] === undefined);
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (available: ${available.join(', ')})\n`);
    process.exit(2);
  }

  const workDir = mkdtempSync(join(tmpdir(), 'saltmine-bench-'));
  const cacheDir = join(tmpdir(), 'saltmine-bench-cache');
  mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const ctx: BenchContext = {
    quick: args.quick ?? false,
    workDir,
    cacheDir,
    artifacts: new Map(),
    log: (message) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`),
  };
  ctx.log(`load average ${load1()}; scratch directory ${workDir}`);
  const results: BenchResult[] = [];
  try {
    for (const name of selected) {
      const result = await BENCHMARKS[name]!(ctx);
      results.push(result);
      process.stdout.write(renderResult(result) + '\n');
    }
  } finally {
    if (args.keep) ctx.log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const command = `npm run bench${args.quick || args.only ? ' --' : ''}${args.quick ? ' --quick' : ''}${args.only ? ` --only ${selected.join(',')}` : ''}`;
  if (ctx.quick) {
    mergeResults(RESULTS_LOCAL_JSON, results, command);
    ctx.log(`wrote ${RESULTS_LOCAL_JSON}`);
  } else {
    const file = mergeResults(RESULTS_JSON, results, command);
    updateMarkdown(BENCHMARKS_MD, file);
    ctx.log(`wrote ${RESULTS_JSON} and ${BENCHMARKS_MD}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
