// SIGINT between the launcher and its child (heap-cap.ts) when stdin is a terminal. Ctrl-C then reaches both
// processes (they share the terminal's process group), but `kill -INT <launcher>` reaches the launcher alone.
// The launcher cannot tell the two apart, so the child reports every SIGINT it gets over the IPC channel, and
// the launcher relays one only when no report comes within a short wait: the child gets each SIGINT once, and
// a second one still means "stop now" rather than an echo of the first.
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** What the child sends the launcher when it gets SIGINT. */
const SIGINT_REPORT = 'saltmine:sigint';
/**
 * How long the launcher waits for the child's report before relaying, ms. The report comes from the child's
 * main thread, which answers a signal within milliseconds unless it is stuck on one long task.
 */
export const SIGINT_REPORT_WAIT_MS = 250;

/**
 * In the child: reports each SIGINT to the launcher. Alone (the command listens for no SIGINT, or no longer),
 * it then does what SIGINT does to a process without a listener: ends it, once the report is written.
 */
export function reportSigintsToLauncher(): void {
  const report = (): void => {
    const alone = process.listenerCount('SIGINT') === 1;
    const reported = (): void => {
      if (!alone) return;
      process.off('SIGINT', report);
      process.kill(process.pid, 'SIGINT');
    };
    if (process.connected) process.send!(SIGINT_REPORT, reported);
    else reported();
  };
  process.on('SIGINT', report);
}

/** In the launcher: relays its own SIGINTs to `child` unless the child reports it got them too. */
export class SigintRelay {
  /** When reports came that no SIGINT of the launcher's own was matched with yet. */
  private unmatched: number[] = [];
  /** SIGINTs of the launcher's own waiting for a report, oldest first. */
  private readonly waiting = new Set<NodeJS.Timeout>();
  /** SIGINTs relayed whose report is still to come. */
  private echoes = 0;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message) => {
      if (message === SIGINT_REPORT) this.reported();
    });
    child.once('exit', () => {
      for (const timer of this.waiting) clearTimeout(timer);
      this.waiting.clear();
    });
  }

  /** The launcher got SIGINT. */
  received(): void {
    // The child's report may come first: both processes got the same Ctrl-C.
    const now = performance.now();
    this.unmatched = this.unmatched.filter((at) => now - at <= SIGINT_REPORT_WAIT_MS);
    if (this.unmatched.shift() !== undefined) return;
    const timer = setTimeout(() => {
      this.waiting.delete(timer);
      this.echoes++;
      this.child.kill('SIGINT');
    }, SIGINT_REPORT_WAIT_MS);
    this.waiting.add(timer);
  }

  private reported(): void {
    if (this.echoes > 0) {
      this.echoes--;
      return;
    }
    const [oldest] = this.waiting;
    if (oldest === undefined) {
      this.unmatched.push(performance.now());
      return;
    }
    clearTimeout(oldest);
    this.waiting.delete(oldest);
  }
}
