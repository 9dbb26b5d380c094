// SIGINT through the launcher when stdin is a terminal, with real processes: the launcher is told it has one
// (launcher/interactive-launcher.ts) and runs in a process group of its own with its child, so a SIGINT to the
// group is what Ctrl-C sends. The program gets each SIGINT exactly once, whether Ctrl-C sent it to both
// processes or `kill` to the launcher alone, and a program that listens for no SIGINT still ends on one.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SIGINT_REPORT_WAIT_MS } from '../src/launcher-sigint.js';
import { CLI, exitWithin, spawnScript, stdoutLine, tempDir, type CliProcess } from './e2e/cli-process.js';

const LAUNCHER = fileURLToPath(new URL('./launcher/interactive-launcher.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./launcher/sigint-child.js', import.meta.url));
/** Long enough for a SIGINT relayed by mistake to arrive: the launcher's wait, four times over. */
const SETTLE_MS = 4 * SIGINT_REPORT_WAIT_MS;

const dir = tempDir('launcher-sigint');
after(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `script` run by the launcher, once it is ready. */
async function launch(script: string, args: string[], ready: RegExp): Promise<CliProcess> {
  const proc = spawnScript(LAUNCHER, [script, ...args], { cwd: dir, detached: true });
  await stdoutLine(proc, ready);
  return proc;
}

/** SIGINT to the launcher's process group, as the terminal sends it on Ctrl-C. */
const ctrlC = (proc: CliProcess) => process.kill(-proc.child.pid!, 'SIGINT');
/** SIGINT to the launcher alone. */
const killInt = (proc: CliProcess) => proc.child.kill('SIGINT');
const sigintsSeen = (proc: CliProcess) => proc.stdout().match(/^sigint \d+$/gm)?.length ?? 0;
/** The pid of the launcher's child, as launcher/sigint-child.ts prints it. */
const childPid = (proc: CliProcess) => Number(/^child (\d+)$/m.exec(proc.stdout())![1]);

describe('launcher with a terminal on stdin (real processes)', () => {
  it('passes a SIGINT sent to the launcher alone on, and the program stops as on Ctrl-C', async () => {
    const proc = await launch(CLI, ['simulate', '--port', '0'], /listening on/);
    killInt(proc);
    assert.equal(await exitWithin(proc, 20_000), 0, proc.stderr());
  });

  it('gives the program one SIGINT on Ctrl-C, whichever process the terminal reaches first', async () => {
    const proc = await launch(CHILD, ['count'], /ready/);
    const [launcher, child] = [proc.child.pid!, childPid(proc)];
    try {
      ctrlC(proc);
      await stdoutLine(proc, /^sigint 1$/m);
      await sleep(SETTLE_MS);
      assert.equal(sigintsSeen(proc), 1, 'Ctrl-C reached the program and was not relayed as well');

      process.kill(child, 'SIGINT');
      await stdoutLine(proc, /^sigint 2$/m);
      process.kill(launcher, 'SIGINT');
      await sleep(SETTLE_MS);
      assert.equal(sigintsSeen(proc), 2, 'the launcher got it after the program had');

      process.kill(launcher, 'SIGINT');
      await sleep(SIGINT_REPORT_WAIT_MS / 5);
      process.kill(child, 'SIGINT');
      await stdoutLine(proc, /^sigint 3$/m);
      await sleep(SETTLE_MS);
      assert.equal(sigintsSeen(proc), 3, 'the program got it after the launcher had');
    } finally {
      proc.child.kill('SIGTERM');
    }
    assert.equal(await exitWithin(proc, 20_000), 0, proc.stderr());
  });

  it('gives the program each SIGINT sent to the launcher alone: one at a time, in quick succession, or after one sent to the program alone', async () => {
    const proc = await launch(CHILD, ['count'], /ready/);
    try {
      killInt(proc);
      await stdoutLine(proc, /^sigint 1$/m);
      killInt(proc);
      // A second kill while the first is being relayed (someone insisting on a stop) is relayed too.
      await sleep(SIGINT_REPORT_WAIT_MS / 2);
      killInt(proc);
      await stdoutLine(proc, /^sigint 3$/m);

      // The program's word of a SIGINT sent to it alone does not stand for one the launcher gets later.
      process.kill(childPid(proc), 'SIGINT');
      await stdoutLine(proc, /^sigint 4$/m);
      await sleep(SETTLE_MS);
      killInt(proc);
      await stdoutLine(proc, /^sigint 5$/m);
      await sleep(SETTLE_MS);
      assert.equal(sigintsSeen(proc), 5);
    } finally {
      proc.child.kill('SIGTERM');
    }
    assert.equal(await exitWithin(proc, 20_000), 0, proc.stderr());
  });

  for (const [how, send] of [['Ctrl-C', ctrlC], ['kill to the launcher', killInt]] as const) {
    it(`ends a program that listens for no SIGINT on ${how}, as SIGINT ends any process`, async () => {
      const proc = await launch(CHILD, ['plain'], /ready/);
      send(proc);
      assert.equal(await exitWithin(proc, 20_000), 130, proc.stderr());
    });
  }
});
