import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCommand, startConsole } from '../../src/collector/console.js';
import { harness, waitFor, within } from './harness.js';

describe('console commands against the simulator', () => {
  it('joins (adding #), parts, reports status, and refuses to send when anonymous', async () => {
    const h = await harness({ rate: 50 }, { channels: [] });
    try {
      assert.equal(runCommand(h.collector, 'join SomeChannel'), 'joining #somechannel');
      await waitFor(() => h.store.latestState('#somechannel') === 'joined', 'the join');
      assert.match(runCommand(h.collector, 'status')!, /channels: 1 joined, 0 joining, 0 failed/);
      assert.match(runCommand(h.collector, 'say #somechannel hello')!, /^error: cannot send: logged in anonymously/);
      assert.equal(runCommand(h.collector, 'part #somechannel'), 'left #somechannel');
      await waitFor(() => h.sim.stats().rooms[0]!.subscribers === 0, 'the PART to reach the server');
      assert.equal(h.store.latestState('#somechannel'), 'parted');
      assert.match(runCommand(h.collector, 'join not a channel!')!, /^error: invalid channel name/);
      assert.match(runCommand(h.collector, 'frobnicate')!, /^unknown command "frobnicate"; commands: join/);
      assert.equal(runCommand(h.collector, 'quit'), null);
    } finally {
      await h.close();
    }
  });

  it('sends with a token, one message per channel window, in order, through the queue', async () => {
    const h = await harness(
      { limit: 0 },
      { channels: ['#room'], login: { nick: 'saltbot', token: 'secret' }, sendRatePerChannel: { limit: 1, windowMs: 100 } },
    );
    try {
      await waitFor(() => h.store.latestState('#room') === 'joined', 'the join');
      assert.equal(runCommand(h.collector, 'say #room first'), 'sending');
      assert.match(runCommand(h.collector, 'say room second')!, /^queued \(place 1:/);
      runCommand(h.collector, 'say #room third');
      assert.match(runCommand(h.collector, 'say #elsewhere hi')!, /^error: cannot send to #elsewhere: not joined/);
      await waitFor(() => h.sim.stats().said.length === 3, 'three messages at the server');
      assert.deepEqual(h.sim.stats().said.map((s) => s.text), ['first', 'second', 'third']);
    } finally {
      await h.close();
    }
  });

  it('reads commands from a stream and calls back on quit', async () => {
    const h = await harness({ limit: 0 }, { channels: [] });
    try {
      const input = new PassThrough();
      const output = new PassThrough();
      let text = '';
      output.on('data', (d: Buffer) => (text += d.toString()));
      const quit = new Promise<void>((resolve) => startConsole(h.collector, input, output, resolve));
      input.write('join abc\nstatus\nquit\n');
      await within(quit, 'the quit callback');
      assert.match(text, /^commands: join/);
      assert.match(text, /joining #abc\nconnections: /);
    } finally {
      await h.close();
    }
  });
});
