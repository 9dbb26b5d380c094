// Spawning the real `saltmine` CLI in a temp directory for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (a signal death gives 128 + its number, as a shell would). */
  exited: Promise<number>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `saltmine-${prefix}-`));
}

export function spawnCli(args: string[], options: { cwd: string; env?: Record<string, string> }): CliProcess {
  return spawnScript(CLI, args, options);
}

/** Like spawnCli for another script; `detached` gives it a process group of its own, which a test can signal as a terminal does. */
export function spawnScript(script: string, args: string[], options: { cwd: string; env?: Record<string, string>; detached?: boolean }): CliProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    // A clean environment: nothing of the developer's SALTMINE_* settings leaks in.
    env: { PATH: process.env['PATH'] ?? '', HOME: options.cwd, SALTMINE_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 1)));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The exit code, or a rejection (after killing it) when the process has not exited within `deadlineMs`. */
export async function exitWithin(proc: CliProcess, deadlineMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      proc.child.kill('SIGKILL');
      reject(new Error(`still running after ${deadlineMs} ms; stderr: ${proc.stderr().slice(-2000)}`));
    }, deadlineMs);
  });
  try {
    return await Promise.race([proc.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves with `promise`; rejects (naming `what` and showing the process's stderr) when the process exits
 * first or after `deadlineMs`, a hang guard rather than a timing claim.
 */
export async function whileRunning<T>(proc: CliProcess, promise: Promise<T>, what: string, deadlineMs = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what} after ${deadlineMs} ms; stderr: ${proc.stderr().slice(-2000)}`)), deadlineMs);
    void proc.exited.then((code) => reject(new Error(`exited with ${code} before ${what}; stderr: ${proc.stderr().slice(-2000)}`)));
  });
  try {
    return await Promise.race([promise, failure]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once the process has printed a stdout line matching `pattern`; rejects if it exits first or after the deadline. */
export function stdoutLine(proc: CliProcess, pattern: RegExp, deadlineMs = 30_000): Promise<RegExpMatchArray> {
  let check = (): void => undefined;
  const printed = new Promise<RegExpMatchArray>((resolve) => {
    check = (): void => {
      const match = proc.stdout().match(pattern);
      if (match) resolve(match);
    };
    proc.child.stdout!.on('data', check);
    check();
  });
  return whileRunning(proc, printed, `a stdout line matching ${pattern}`, deadlineMs).finally(() => proc.child.stdout!.off('data', check));
}
