// The JavaScript heap cap of the CLI. V8 sizes its old generation from the machine's memory and, with room to
// spare, collects late: a collector that needs ~150 MiB of live objects grew to 460 MiB of RSS. A cap makes it
// collect sooner at a small CPU cost. Node reads the cap only at startup, so cli.ts runs the program once more
// in a child process with --max-old-space-size (and a smaller young generation, and glibc malloc settings),
// relays signals to it and exits with its exit code.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { LAUNCHER_ENV } from './config/settings.js';
import { reportSigintsToLauncher, SigintRelay } from './launcher-sigint.js';

export const DEFAULT_MAX_HEAP_MB = 384;
/**
 * The young generation's semi-spaces, MiB (V8's default grows them to 16). A firehose allocates fast enough to
 * grow them to the limit; at 8 the collector's peak RSS fell 308 → 280 MiB with no throughput change we could
 * measure (30.4k → 30.5k lines/s).
 */
export const SEMI_SPACE_MB = 8;
/**
 * glibc malloc arenas in the child, unless the user chose: by default every thread that allocates (the write
 * thread, the checkpoint thread, the thread pool compressing raw blocks) gets arenas of its own, which hold
 * freed memory. With 2 the recording's peak fell 222 → 204 MiB in a back-to-back run. Other C libraries
 * ignore the variable.
 */
export const MALLOC_ARENAS = '2';
/**
 * glibc's mmap threshold in the child, bytes, unless the user chose. glibc raises it on its own after freeing an
 * mmapped block, and the large buffers of every batch (the copy posted to the write thread, a raw block's text
 * and its compressed form) then stay in the heap, resident, after they are freed. Held at 128 KiB they are
 * mapped and unmapped each time: a firehose recording with 20,000-line batches peaked at 217 MiB instead of 247.
 */
export const MALLOC_MMAP_THRESHOLD = '131072';
const ENV_CAP = LAUNCHER_ENV.maxHeapMb;
/** Set in the child: it is the capped program, not another launcher. */
const ENV_CHILD = LAUNCHER_ENV.child;
const RELAYED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export class HeapCapError extends Error {
  readonly exitCode = 2;
}

/**
 * The cap in MiB to relaunch with, or null to run the program in this process: in the child itself, when
 * SALTMINE_MAX_HEAP_MB is 0, or when the user set --max-old-space-size already (NODE_OPTIONS or node's flags).
 */
export function heapCapToApply(env: NodeJS.ProcessEnv, execArgv: readonly string[]): number | null {
  if (env[ENV_CHILD] === '1') return null;
  const sizeFlag = /--max[-_]old[-_]space[-_]size/;
  if (sizeFlag.test(env['NODE_OPTIONS'] ?? '') || execArgv.some((arg) => sizeFlag.test(arg))) return null;
  const text = env[ENV_CAP];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_HEAP_MB;
  if (!/^\d+$/.test(text.trim())) throw new HeapCapError(`${ENV_CAP} must be a whole number of MiB (0: no cap), not ${JSON.stringify(text)}`);
  const mb = Number(text.trim());
  return mb === 0 ? null : mb;
}

/**
 * Runs this script again with the heap cap and resolves with the exit code to end with (128 + signal number
 * when the child was killed by a signal).
 *
 * Signals: with a terminal on stdin (`interactive`) the child stays in the terminal's process group (the console
 * reads it), so Ctrl-C reaches both processes; SIGTERM/SIGHUP are relayed, and SIGINT only when the child does
 * not report it got it too (launcher-sigint.ts): relaying Ctrl-C would deliver it twice, and the second one
 * would cut the child's shutdown short. Without a terminal the child gets a session of its own and every signal
 * reaches it through the launcher, exactly once.
 */
export function runWithHeapCap(mb: number, script: string, args: readonly string[], interactive = process.stdin.isTTY === true): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${mb}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, script, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { MALLOC_ARENA_MAX: MALLOC_ARENAS, MALLOC_MMAP_THRESHOLD_: MALLOC_MMAP_THRESHOLD, ...process.env, [ENV_CHILD]: '1' },
    detached: !interactive,
  });
  const sigints = interactive ? new SigintRelay(child) : null;
  const relay = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && sigints !== null) sigints.received();
    else child.kill(signal);
  };
  for (const signal of RELAYED) process.on(signal, relay);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of RELAYED) process.off(s, relay);
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

/**
 * In the child: stop when the launcher is gone (killed with SIGKILL, say), as if it had been sent SIGTERM, so a
 * recording still drains its writer; and tell the launcher of each SIGINT, so it relays none twice. The IPC
 * channel keeps nothing running.
 */
export function stopWithLauncher(): void {
  if (process.env[ENV_CHILD] !== '1' || process.channel === undefined) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  reportSigintsToLauncher();
}
