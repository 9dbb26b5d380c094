// The CLI launcher: runs the program in a child with --max-old-space-size (real processes, read from /proc),
// passes its exit code on, relays SIGTERM, takes the child down when it dies, and can be turned off.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DEFAULT_MAX_HEAP_MB, HeapCapError, heapCapToApply, MALLOC_ARENAS, MALLOC_MMAP_THRESHOLD, SEMI_SPACE_MB } from '../src/heap-cap.js';
import { exitWithin, spawnCli, stdoutLine, tempDir, type CliProcess } from './e2e/cli-process.js';

const dir = tempDir('heap-cap');
after(() => rmSync(dir, { recursive: true, force: true }));

function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(' ').map(Number);
}

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
}

function environmentOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((entry) => entry.includes('='));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/**
 * A simulator on a free port (a command that runs until stopped), once it is listening. It listens for SIGTERM
 * before it prints the line, so a SIGTERM right after it must stop it cleanly (exit code 0), never kill it.
 */
async function startSimulator(env: Record<string, string> = {}): Promise<CliProcess> {
  const proc = spawnCli(['simulate', '--port', '0'], { cwd: dir, env });
  await stdoutLine(proc, /listening on/);
  return proc;
}

async function gone(pid: number): Promise<void> {
  // A hang guard, not a timing claim: the child is given 20 s to notice and stop.
  for (let i = 0; i < 400 && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(!existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ'), `process ${pid} still runs`);
}

describe('heapCapToApply', () => {
  it(`caps at ${DEFAULT_MAX_HEAP_MB} MiB by default and takes SALTMINE_MAX_HEAP_MB`, () => {
    assert.equal(heapCapToApply({}, []), DEFAULT_MAX_HEAP_MB);
    assert.equal(heapCapToApply({ SALTMINE_MAX_HEAP_MB: '512' }, []), 512);
  });

  it('runs without relaunching when turned off, already capped, or in the child', () => {
    assert.equal(heapCapToApply({ SALTMINE_MAX_HEAP_MB: '0' }, []), null);
    assert.equal(heapCapToApply({ NODE_OPTIONS: '--enable-source-maps --max-old-space-size=1024' }, []), null);
    assert.equal(heapCapToApply({}, ['--max_old_space_size=1024']), null);
    assert.equal(heapCapToApply({ SALTMINE_HEAP_CAPPED: '1' }, []), null);
  });

  it('refuses a cap that is not a whole number', () => {
    assert.throws(() => heapCapToApply({ SALTMINE_MAX_HEAP_MB: '1g' }, []), HeapCapError);
  });
});

describe('saltmine launcher (real processes)', () => {
  it('runs the program in one child with the default heap cap and relays SIGTERM to it', async () => {
    const proc = await startSimulator();
    const [child, ...more] = childrenOf(proc.child.pid!);
    assert.equal(more.length, 0);
    assert.ok(commandLine(child!).includes(`--max-old-space-size=${DEFAULT_MAX_HEAP_MB}`), commandLine(child!).join(' '));
    assert.ok(commandLine(child!).includes(`--max-semi-space-size=${SEMI_SPACE_MB}`), commandLine(child!).join(' '));
    assert.equal(environmentOf(child!)['MALLOC_ARENA_MAX'], MALLOC_ARENAS);
    assert.equal(environmentOf(child!)['MALLOC_MMAP_THRESHOLD_'], MALLOC_MMAP_THRESHOLD);
    proc.child.kill('SIGTERM');
    assert.equal(await exitWithin(proc, 20_000), 0, proc.stderr());
    await gone(child!);
  });

  it('uses SALTMINE_MAX_HEAP_MB as the cap', async () => {
    const proc = await startSimulator({ SALTMINE_MAX_HEAP_MB: '200', MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '1048576' });
    const [child] = childrenOf(proc.child.pid!);
    assert.ok(commandLine(child!).includes('--max-old-space-size=200'), commandLine(child!).join(' '));
    assert.equal(environmentOf(child!)['MALLOC_ARENA_MAX'], '4', 'the user\'s own malloc setting is kept');
    assert.equal(environmentOf(child!)['MALLOC_MMAP_THRESHOLD_'], '1048576', 'the user\'s own malloc setting is kept');
    proc.child.kill('SIGTERM');
    assert.equal(await exitWithin(proc, 20_000), 0, proc.stderr());
  });

  it('stops cleanly on a SIGTERM sent the moment it is ready, every time', async () => {
    // At log level info the ready line is followed by a log line, which widened the window a signal could
    // arrive in before there was a listener.
    const unlaunched: Record<string, string> = { SALTMINE_MAX_HEAP_MB: '0', SALTMINE_LOG_LEVEL: 'info' };
    const launched: Record<string, string> = { SALTMINE_LOG_LEVEL: 'info' };
    for (const env of [unlaunched, launched, unlaunched, launched, unlaunched, launched]) {
      const proc = spawnCli(['simulate', '--port', '0'], { cwd: dir, env });
      // In the same callback that sees the line, not a tick later.
      proc.child.stdout!.on('data', (chunk: string) => {
        if (String(chunk).includes('listening on')) proc.child.kill('SIGTERM');
      });
      assert.equal(await exitWithin(proc, 20_000), 0, `${JSON.stringify(env)}: ${proc.stderr()}`);
    }
  });

  for (const [what, env] of [['SALTMINE_MAX_HEAP_MB=0', { SALTMINE_MAX_HEAP_MB: '0' }], ['NODE_OPTIONS with a heap size', { NODE_OPTIONS: '--max-old-space-size=300' }]] as const) {
    it(`runs the program in the same process with ${what}`, async () => {
      const proc = await startSimulator(env);
      assert.deepEqual(childrenOf(proc.child.pid!), []);
      proc.child.kill('SIGTERM');
      assert.equal(await exitWithin(proc, 20_000), 0, proc.stderr());
    });
  }

  it("passes the program's exit code on", async () => {
    const proc = spawnCli(['import', `${dir}/no-such.log`, '--db', `${dir}/x.db`], { cwd: dir });
    assert.equal(await exitWithin(proc, 20_000), 2);
    assert.match(proc.stderr(), /no such file/);
  });

  it('reports a bad SALTMINE_MAX_HEAP_MB with exit code 2', async () => {
    const proc = spawnCli(['--version'], { cwd: dir, env: { SALTMINE_MAX_HEAP_MB: 'lots' } });
    assert.equal(await exitWithin(proc, 20_000), 2);
    assert.match(proc.stderr(), /SALTMINE_MAX_HEAP_MB must be a whole number/);
  });

  it('stops the child when the launcher is killed', async () => {
    const proc = await startSimulator();
    const [child] = childrenOf(proc.child.pid!);
    proc.child.kill('SIGKILL');
    await exitWithin(proc, 20_000);
    await gone(child!);
  });
});
