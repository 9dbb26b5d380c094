// Running the real `saltmine` CLI as a child process: wall time, peak RSS, output, and a clear error naming
// the command when it fails (a benchmark of a command that crashed must not print a figure).
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './paths.js';
import { PeakRss } from './stats.js';

export interface ChildRun {
  seconds: number;
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/src/cli.js ...args` to completion. */
export function runCli(args: readonly string[], options: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const rss = new PeakRss(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const peakRssMb = rss.stop();
      if (code !== 0) reject(new Error(`saltmine ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-2000)}`));
      else resolve({ seconds, peakRssMb, stdout, stderr });
    });
  });
}

/** A long-running CLI child (simulator, collector, API server): started, watched, stopped by the caller. */
export interface CliProcess {
  child: ChildProcess;
  rss: PeakRss;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the first stdout/stderr match of `pattern`, rejects if the process exits first or on timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM (then SIGKILL after graceMs); resolves with the exit code once it has exited. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `node dist/src/cli.js ...args`; `script` runs another file instead (a bench helper). */
export function startCli(args: readonly string[], options: { nodeArgs?: readonly string[]; cwd?: string; script?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script ?? CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
  const rss = new PeakRss(child.pid!);
  let text = '';
  const watchers = new Set<() => void>();
  const onText = (chunk: string) => {
    text += chunk;
    // Keep memory bounded for chatty processes: the head holds the startup lines waited for.
    if (text.length > 1 << 20) text = text.slice(0, 1 << 19) + text.slice(-(1 << 19));
    for (const check of watchers) check();
  };
  child.stdout!.setEncoding('utf8').on('data', onText);
  child.stderr!.setEncoding('utf8').on('data', onText);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    rss,
    output: () => text,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        let timer: NodeJS.Timeout | null = null;
        const done = () => {
          watchers.delete(check);
          if (timer !== null) clearTimeout(timer);
        };
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            done();
            resolve(match);
          }
        };
        timer = setTimeout(() => {
          done();
          reject(new Error(`saltmine ${args.join(' ')}: no ${pattern} within ${timeoutMs} ms; output: ${text.slice(-1500)}`));
        }, timeoutMs);
        void exited.then((code) => {
          if (!watchers.has(check)) return;
          done();
          reject(new Error(`saltmine ${args.join(' ')} exited (${code}) before printing ${pattern}: ${text.slice(-1500)}`));
        });
        watchers.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        rss.stop();
        return code;
      }
      rss.stop();
      return exited;
    },
  };
}
