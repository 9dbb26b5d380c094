// HTTP load for the API benchmark: wrk when the machine has it (Debian's package; .ci/run installs it), else
// autocannon in this process. Both rotate over a list of paths at a fixed number of connections. The load
// generator shares the two cores with the server, so its own cost counts: wrk (C, one thread) spends ~0.06 ms
// of CPU per request on this machine, autocannon 0.10–0.24 ms, which alone moved the API's req/s by ~20%.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a load run measured. Latencies in ms, of the answers in time. */
export interface LoadResult {
  /** Requests answered in time and without an error status. */
  ok: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  /** Connection errors, answers with an error status (wrk: ≥ 400; autocannon: any but 2xx), and timeouts. */
  failed: number;
}

export interface LoadGenerator {
  /** How the report names it. */
  name: string;
  run(base: string, paths: readonly string[], seconds: number, connections: number): Promise<LoadResult>;
}

/** Requests slower than this count as failed. */
const TIMEOUT_S = 10;

/** wrk if it runs here, else autocannon. */
export function loadGenerator(): LoadGenerator {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error === undefined) {
    const version = /wrk (\S+)/.exec(probe.stdout + probe.stderr)?.[1] ?? '';
    return { name: `wrk ${version} (one thread, a child process)`.replace('  ', ' '), run: wrk };
  }
  return { name: 'autocannon in the benchmark process (wrk is not installed)', run: autocannonLoad };
}

/**
 * wrk's script: the paths in turn, and the figures as one JSON line when the run ends. wrk counts an answer
 * after the timeout in `requests` as well as in `errors.timeout` (and records no latency for it).
 */
function wrkScript(paths: readonly string[]): string {
  for (const path of paths) {
    if (!/^[\x21-\x7e]+$/.test(path) || /["\\]/.test(path)) throw new Error(`load: a path wrk's script cannot quote: ${path}`);
  }
  return `local paths = {${paths.map((p) => `"${p}"`).join(',')}}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"seconds":%.6f,"p50":%.3f,"p99":%.3f,"max":%.3f,"status":%d,"timeout":%d,"other":%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.timeout, e.connect + e.read + e.write))
end
`;
}

async function wrk(base: string, paths: readonly string[], seconds: number, connections: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'saltmine-wrk-'));
  try {
    const script = join(dir, 'paths.lua');
    writeFileSync(script, wrkScript(paths));
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, `--timeout`, `${TIMEOUT_S}s`, '-s', script, base], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
    const line = /^RESULT (.*)$/m.exec(out)?.[1];
    if (code !== 0 || line === undefined) throw new Error(`load: wrk exited with ${code}: ${out.slice(-500)}`);
    const r = JSON.parse(line) as { requests: number; seconds: number; p50: number; p99: number; max: number; status: number; timeout: number; other: number };
    return { ok: Math.max(0, r.requests - r.status - r.timeout), seconds: r.seconds, p50: r.p50, p99: r.p99, max: r.max, failed: r.status + r.timeout + r.other };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Histogram { p50: number; p99: number; max: number }
interface AutocannonResult { '2xx': number; latency: Histogram; duration: number; errors: number; non2xx: number }
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

async function autocannonLoad(base: string, paths: readonly string[], seconds: number, connections: number): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  let next = 0;
  const r = await autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: TIMEOUT_S,
    requests: [{ setupRequest: (request: { path: string }) => ({ ...request, path: paths[next++ % paths.length]! }) }],
  });
  return { ok: r['2xx'], seconds: r.duration, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, failed: r.errors + r.non2xx };
}
