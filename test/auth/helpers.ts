// Test helpers for auth: a clock the test moves by hand, and a logger whose lines the test can read.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock, TimerHandle } from '../../src/auth/clock.js';
import { createLogger, type Logger } from '../../src/log.js';

/** Timers fire only when advance() moves time past them; with autoAdvance, sleep() moves time itself. */
export class FakeClock implements Clock {
  private time: number;
  private timers: Array<{ at: number; fn: () => void; handle: TimerHandle }> = [];
  /** Every sleep() duration asked for, in order. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2025, 0, 1), private readonly autoAdvance = false) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const handle = { id: Symbol('timer') };
    this.timers.push({ at: this.time + Math.max(0, ms), fn, handle });
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.handle !== handle);
  }

  /** When the earliest pending timer fires (ms since the epoch), or null when none is pending. */
  nextTimerAt(): number | null {
    return this.timers.length === 0 ? null : Math.min(...this.timers.map((t) => t.at));
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = until;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.autoAdvance) {
      this.time += ms;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.setTimer(resolve, ms));
  }
}

/** Log lines as parsed JSON objects, and the raw text. With TEST_ECHO_LOGS=1 they also go to stderr, for the leak search. */
export function captureLogger(level = 'trace'): { log: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const raw: string[] = [];
  const log = createLogger(level, {
    write(line: string) {
      raw.push(line);
      if (process.env['TEST_ECHO_LOGS'] === '1') process.stderr.write(line);
    },
  });
  return {
    log,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => raw.join(''),
  };
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

/**
 * Runs the built CLI without blocking this process (a fake server here must keep answering it).
 * Only PATH and the given variables reach the child, so the developer's SALTMINE_* settings cannot interfere.
 */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { PATH: process.env['PATH'] ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      if (process.env['TEST_ECHO_LOGS'] === '1') process.stderr.write(stdout + stderr);
      resolve({ code, stdout, stderr });
    });
  });
}
