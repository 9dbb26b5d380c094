// PeakRss counts the whole process tree: the saltmine launcher is small, the program it runs is its child.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { PeakRss } from '../../bench/stats.js';

// A parent that holds little and a child that touches 200 MiB, then both wait to be stopped.
const CHILD = "const b = Buffer.alloc(200 * 2 ** 20, 1); console.log('ready', b.length); setInterval(() => {}, 1000);";
const PARENT = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(CHILD)}], { stdio: 'inherit' });
process.on('SIGTERM', () => { c.kill(); process.exit(0); });`;

describe('PeakRss', () => {
  it("includes the memory of the process's children", async () => {
    const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
    const rss = new PeakRss(parent.pid!, 20);
    const [chunk] = await once(parent.stdout!, 'data') as [Buffer];
    assert.match(chunk.toString(), /ready/);
    rss.sample();
    const peak = rss.stop();
    parent.kill('SIGTERM');
    await once(parent, 'exit');
    assert.ok(peak !== null && peak >= 200, `peak ${peak} MiB`);
  });
});
