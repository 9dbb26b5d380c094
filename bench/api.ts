// Benchmark 4 — API: `saltmine serve` (the real CLI, a child process) on a generated database, loaded by
// wrk, or autocannon where wrk is not installed (load.ts; 50 connections) with /api/messages filtered by room, by user, by room and
// one day, by full-text search, and paged with a cursor deep into a busy room. Each scenario rotates over
// many values (channels, users, days, words, cursors) so no single cached answer is measured, is checked
// for non-empty answers first, warmed up, then measured.
import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { encodeCursor } from '../src/api/cursor.js';
import { apiDatabase, type ApiDatabase } from './api-db.js';
import { startCli } from './child.js';
import { loadGenerator } from './load.js';
import type { BenchContext, BenchResult, Cell } from './result.js';
import { load1, significant } from './stats.js';

const CONNECTIONS = 50;

interface Scenario {
  name: string;
  /** Indexed filters are held to the req/s and p99 targets; search to its own p99 target; page-size shows
   *  how much of the cost is per row (not a target scenario: the targets are for the default page). */
  kind: 'indexed' | 'search' | 'page-size';
  paths: string[];
  /** Concurrent connections (default CONNECTIONS); 1 shows the latency of one request on its own. */
  connections?: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Words of moderate frequency in the corpus (in 0.1%–2% of messages), i.e. what someone searches for. */
function searchWords(db: BetterSqlite3.Database, messages: number): string[] {
  const sample = db.prepare('SELECT msg_content FROM privmsg WHERE serial % 97 = 0 LIMIT 20000').all() as Array<{ msg_content: string }>;
  const counts = new Map<string, number>();
  for (const { msg_content: text } of sample) {
    for (const word of new Set(text.toLowerCase().split(/\s+/))) if (/^[a-z]{4,}$/.test(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const moderate = [...counts].filter(([, n]) => n / sample.length >= 0.001 && n / sample.length <= 0.02).sort((a, b) => b[1] - a[1]).map(([w]) => w);
  if (moderate.length === 0) throw new Error(`api: no search words of moderate frequency among ${sample.length} of ${messages} messages`);
  return moderate.slice(0, 40);
}

/** Cursors as the API issues them (`[timestamp, serial]` of the last row), for rows deep into busy rooms. */
function deepCursors(db: BetterSqlite3.Database, api: ApiDatabase): { paths: string[]; depth: number } {
  const busiest = api.channelList.slice(0, 5);
  const paths: string[] = [];
  let depth = Infinity;
  for (const channel of busiest) {
    const rows = (db.prepare('SELECT count(*) AS n FROM privmsg WHERE room_id = ?').get(channel.id) as { n: number }).n;
    const at = db.prepare('SELECT timestamp, serial FROM privmsg WHERE room_id = ? ORDER BY timestamp DESC, serial DESC LIMIT 1 OFFSET ?');
    for (const fraction of [0.5, 0.6, 0.7, 0.8]) {
      const offset = Math.floor(rows * fraction);
      const row = at.get(channel.id, offset) as { timestamp: number; serial: number } | undefined;
      if (row === undefined) continue;
      depth = Math.min(depth, offset);
      paths.push(`/api/messages?room-name=${channel.name}&cursor=${encodeCursor('desc', [row.timestamp, row.serial])}`);
    }
  }
  return { paths, depth };
}

function scenarios(api: ApiDatabase): { list: Scenario[]; setup: Record<string, Cell> } {
  const db = new BetterSqlite3(api.path, { readonly: true });
  try {
    const users = api.userSample.filter((_, i) => i % 10 === 0).slice(0, 100);
    const days: string[] = [];
    for (let ms = api.startMs + 86_400_000; ms < api.endMs - 86_400_000 && days.length < 20; ms += 86_400_000) days.push(day(ms));
    if (days.length === 0) days.push(day(api.startMs));
    const words = searchWords(db, api.messages);
    const deep = deepCursors(db, api);
    const list: Scenario[] = [
      { name: 'by room (room-name=)', kind: 'indexed', paths: api.channelList.map((c) => `/api/messages?room-name=${c.name}`) },
      { name: 'by room, 10-row page (room-name=, limit=10)', kind: 'page-size', paths: api.channelList.map((c) => `/api/messages?room-name=${c.name}&limit=10`) },
      { name: 'by user (user-name=)', kind: 'indexed', paths: users.map((u) => `/api/messages?user-name=${u.login}`) },
      { name: 'by room + one day (start-date=, end-date=)', kind: 'indexed', paths: api.channelList.flatMap((c, i) => days.filter((_, d) => (d + i) % 4 === 0).map((d) => `/api/messages?room-name=${c.name}&start-date=${d}&end-date=${d}`)) },
      { name: `cursor deep into a busy room (≥ ${deep.depth.toLocaleString('en-US')} rows in)`, kind: 'indexed', paths: deep.paths },
      { name: 'full-text search (q=, one word)', kind: 'search', paths: words.map((w) => `/api/messages?q=${w}`) },
      { name: 'full-text search, one request at a time (1 connection)', kind: 'search', connections: 1, paths: words.map((w) => `/api/messages?q=${w}`) },
    ];
    return { list, setup: { searchWords: words.length, users: users.length, channels: api.channelList.length, days: days.length, cursors: deep.paths.length } };
  } finally {
    db.close();
  }
}

/** A sample of the paths answers 200, with rows on average (a small --quick database has empty days):
 *  a benchmark of failing or empty answers would be meaningless. Returns the mean rows per page. */
async function checkPaths(base: string, scenario: Scenario): Promise<number> {
  let rows = 0;
  const sample = Array.from({ length: Math.min(10, scenario.paths.length) }, (_, i) => scenario.paths[Math.floor((i * scenario.paths.length) / Math.min(10, scenario.paths.length))]!);
  for (const path of sample) {
    const response = await fetch(base + path);
    const body = (await response.json()) as { count?: number };
    if (response.status !== 200 || typeof body.count !== 'number') throw new Error(`api: ${path} answered ${response.status} with ${JSON.stringify(body).slice(0, 300)}`);
    rows += body.count;
  }
  if (rows === 0) throw new Error(`api: ${scenario.name}: no rows for any of ${sample.join(', ')}`);
  return rows / sample.length;
}

/**
 * Waits until the server answers /api/health quickly again. The server runs queries one at a time, so
 * requests a finished load run left queued (slow searches) would otherwise land in the next scenario.
 */
async function settle(base: string, log: (message: string) => void): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (let quick = 0; quick < 3 && Date.now() < deadline;) {
    const t0 = Date.now();
    await fetch(base + '/api/health').then((r) => r.arrayBuffer());
    quick = Date.now() - t0 < 50 ? quick + 1 : 0;
    if (quick === 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (Date.now() >= deadline) log('api: the server still lags after 3 minutes; measuring anyway');
}

/** Earlier generations of the same-sized database (made by older generator code) only take disk space. */
function removeStaleDatabases(cacheDir: string, current: string): void {
  const key = basename(current, '.db');
  const sameSpec = key.slice(0, key.lastIndexOf('-') + 1);
  for (const file of readdirSync(cacheDir)) {
    if (file.startsWith(sameSpec) && !file.startsWith(key + '.')) rmSync(join(cacheDir, file), { force: true });
  }
}

export async function apiBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const started = Date.now();
  const loadBefore = load1();
  const spec = ctx.quick ? { messages: 50_000, channels: 50, users: 5_000 } : { messages: 10_000_000, channels: 50, users: 200_000 };
  const api = await apiDatabase(ctx, spec);
  removeStaleDatabases(ctx.cacheDir, api.path);
  const { list, setup } = scenarios(api);
  const server = startCli(['serve', '--db', api.path, '--port', '0']);
  const rows: Array<Record<string, Cell>> = [];
  const seconds = ctx.quick ? 1 : 10;
  const load = loadGenerator();
  const ms = (value: number) => Math.round(value * 10) / 10;
  try {
    const base = (await server.waitFor(/listening on (http:\/\/\S+)/, 30_000))[1]!;
    for (const scenario of list) {
      await settle(base, ctx.log);
      const rowsPerPage = await checkPaths(base, scenario);
      const connections = scenario.connections ?? CONNECTIONS;
      ctx.log(`api: ${scenario.name}: warm-up, then ${seconds} s at ${connections} connection(s)`);
      await load.run(base, scenario.paths, ctx.quick ? 1 : 3, connections);
      await settle(base, ctx.log);
      const result = await load.run(base, scenario.paths, seconds, connections);
      // Requests that fail or time out (after 10 s) are reported in the row and count against the targets;
      // with no answer at all there is no latency to report.
      const answered = result.ok > 0;
      rows.push({
        scenario: scenario.name,
        kind: scenario.kind,
        connections,
        distinctRequests: scenario.paths.length,
        rowsPerPage: significant(rowsPerPage, 3),
        reqPerSec: Math.round(result.ok / result.seconds), // answered with rows, per second
        p50Ms: answered ? ms(result.p50) : null,
        p99Ms: answered ? ms(result.p99) : null,
        maxMs: answered ? ms(result.max) : null,
        failed: result.failed,
      });
    }
  } finally {
    await server.stop();
  }
  const serverRss = server.rss.stop();
  const indexed = rows.filter((r) => r['kind'] === 'indexed');
  const search = rows.filter((r) => r['kind'] === 'search' && r['connections'] === CONNECTIONS);
  // No answer at all (every request timed out) counts as an infinite latency.
  const value = (r: Record<string, Cell>, key: string) => (r[key] === null ? Infinity : (r[key] as number));
  const worst = (list: typeof rows, key: string, pick: (a: number, b: number) => number) => list.reduce((acc, r) => pick(acc, value(r, key)), list.length ? value(list[0]!, key) : NaN);
  const latency = (v: number) => (v === Infinity ? 'no answer within 10 s' : `${v} ms`);
  const indexedP99 = worst(indexed, 'p99Ms', Math.max);
  const indexedRps = worst(indexed, 'reqPerSec', Math.min);
  const searchP99 = worst(search, 'p99Ms', Math.max);
  const failed = (list: typeof rows) => list.reduce((sum, r) => sum + (r['failed'] as number), 0);
  const failures = (list: typeof rows) => (failed(list) > 0 ? `; ${failed(list)} requests failed or timed out` : '');
  return {
    name: 'api',
    title: 'API',
    date: new Date(started).toISOString(),
    loadBefore,
    seconds: Math.round((Date.now() - started) / 1000),
    quick: ctx.quick,
    setup: {
      database: `${api.messages.toLocaleString('en-US')} messages, ${api.channels} channels, ${api.users.toLocaleString('en-US')} users, 30 days`,
      generationSeconds: api.generationSeconds,
      generatedThisRun: !api.reused,
      load: `${load.name}, ${CONNECTIONS} connections unless said, ${seconds} s per scenario after a warm-up, default page (100 rows, newest first), requests that take over 10 s count as failed`,
      serverPeakRssMb: serverRss,
      ...setup,
    },
    tables: [{
      caption: '`saltmine serve`, GET /api/messages (format=json)',
      columns: [
        { key: 'scenario', label: 'Filter' },
        { key: 'connections', label: 'connections' },
        { key: 'distinctRequests', label: 'distinct URLs' },
        { key: 'rowsPerPage', label: 'rows/page' },
        { key: 'reqPerSec', label: 'req/s' },
        { key: 'p50Ms', label: 'p50 ms' },
        { key: 'p99Ms', label: 'p99 ms' },
        { key: 'maxMs', label: 'max ms' },
        { key: 'failed', label: 'errors, timeouts, non-2xx' },
      ],
      rows,
    }],
    targets: [
      { what: 'indexed filters: p99 latency (worst filter)', target: '≤ 50 ms', measured: `${latency(indexedP99)}${failures(indexed)}`, met: indexedP99 <= 50 && failed(indexed) === 0 },
      { what: 'indexed filters: throughput (worst filter)', target: '≥ 2,000 req/s', measured: `${indexedRps.toLocaleString('en-US')} req/s${failures(indexed)}`, met: indexedRps >= 2000 && failed(indexed) === 0 },
      { what: 'full-text search: p99 latency', target: '≤ 200 ms', measured: `${latency(searchP99)} at ${CONNECTIONS} connections${failures(search)}`, met: searchP99 <= 200 && failed(search) === 0 },
    ],
    notes: [
      'The load generator runs on the same 2 cores as the server, so req/s is what the pair manages together; the server alone would do somewhat more.',
      ...(ctx.quick ? ['--quick: a 50,000-message database; the targets are for the 10,000,000-message one.'] : []),
    ],
  };
}
