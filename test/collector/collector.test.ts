import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { AuthFailure } from '../../src/collector/pool.js';
import { harness, hasSequence, waitFor, within } from './harness.js';

const CHANNELS = ['#one', '#two', '#three'];

describe('Collector against the simulator: every line', () => {
  it('hands every replayed line of every channel to the store exactly once', async () => {
    const h = await harness({ limit: 3000, serverPingMs: 100 }, { channels: CHANNELS });
    try {
      await waitFor(() => CHANNELS.every((c) => hasSequence(h.store, c, 3000, false)), 'all lines');
      await h.writer.flush();
      for (const c of CHANNELS) assert.ok(hasSequence(h.store, c, 3000, true), `${c}: every line exactly once`);
      assert.equal(h.store.gaps.length, 0);
      assert.deepEqual(CHANNELS.map((c) => h.store.latestState(c)), ['joined', 'joined', 'joined']);
      // Nothing is filtered: our own JOIN echoes, the numerics and the server's PINGs are stored too.
      const commands = new Set(h.store.events.map((e) => e.event.irc.command));
      for (const command of ['001', '376', 'CAP', 'JOIN', 'ROOMSTATE', 'PRIVMSG', 'CLEARCHAT']) assert.ok(commands.has(command), command);
    } finally {
      await h.close();
    }
  });

  it('pauses reading when the writer is full and loses nothing (back-pressure)', async () => {
    const h = await harness({ limit: 20_000 }, { channels: ['#firehose'] }, { writer: { highWaterMark: 200, maxBatch: 100 } });
    let drains = 0;
    h.writer.on('drain', () => drains++);
    try {
      await waitFor(() => hasSequence(h.store, '#firehose', 20_000, false), 'all lines', 25_000);
      await h.writer.flush();
      assert.ok(hasSequence(h.store, '#firehose', 20_000, true));
      assert.ok(drains > 0, 'the writer pushed back at least once');
      assert.equal(h.collector.status().readingPaused, false);
    } finally {
      await h.close();
    }
  });

  it('stores a garbage line from the server raw and carries on', async () => {
    const h = await harness({ rate: 200 }, { channels: ['#garbage'] });
    try {
      await waitFor(() => h.store.sequenceCounts('#garbage').size > 5, 'first lines');
      h.sim.sendRaw('\u0000\u0001 :: not irc at all');
      h.sim.sendRaw('@broken');
      const seen = h.store.sequenceCounts('#garbage').size;
      await waitFor(() => h.store.sequenceCounts('#garbage').size > seen + 20, 'lines after the garbage');
      const bad = h.store.events.filter((e) => e.event.type === 'malformed').map((e) => e.event.irc.raw);
      assert.deepEqual(bad, ['\u0000\u0001 :: not irc at all', '@broken']);
      assert.equal(h.collector.status().connections.length, 1);
    } finally {
      await h.close();
    }
  });
});

describe('Collector against the simulator: staying connected', () => {
  it('comes back after the server drops the connection, rejoins every channel and records the gap', async () => {
    const h = await harness({ rate: 300 }, { channels: CHANNELS });
    try {
      await waitFor(() => CHANNELS.every((c) => h.store.sequenceCounts(c).size > 10), 'lines in every channel');
      h.sim.dropConnections();
      await waitFor(() => h.store.gaps.length > 0, 'the gap');
      const gap = h.store.gaps[0]!;
      assert.deepEqual(gap.channels, [...CHANNELS].sort());
      assert.match(gap.reason, /closed|reset|error/);
      const counts = CHANNELS.map((c) => h.store.sequenceCounts(c).size);
      await waitFor(() => CHANNELS.every((c, i) => h.store.sequenceCounts(c).size > counts[i]! + 10), 'lines after the reconnect');
      assert.equal(h.sim.stats().connections, 1);
      assert.equal(h.sim.stats().connectionsAccepted, 2);
      assert.equal(h.store.gaps.length, 1);
      // The gap runs from the last line heard on the lost connection (lines still in flight when the
      // server dropped it count as heard) to the moment the new one had joined every channel again.
      await h.writer.flush();
      const events = h.store.events;
      const reconnectedAt = events.findIndex((e, i) => i > 0 && e.event.irc.command === 'CAP');
      assert.ok(reconnectedAt > 0, 'the new connection\'s CAP ACK is stored');
      const lost = events.slice(0, reconnectedAt);
      const rejoined = events.slice(reconnectedAt);
      assert.equal(gap.startMs, Math.max(...lost.map((e) => e.receivedMs)), 'the gap starts with the last line of the lost connection');
      assert.ok(rejoined.every((e) => e.receivedMs >= gap.startMs), 'nothing of the new connection precedes the gap');
      const joinEchoes = rejoined.filter((e) => e.event.irc.command === 'JOIN');
      assert.deepEqual(joinEchoes.map((e) => e.event.irc.params[0]).sort(), [...CHANNELS].sort());
      assert.ok(gap.endMs! >= Math.max(...joinEchoes.map((e) => e.receivedMs)), 'the gap ends once every channel is joined again');
    } finally {
      await h.close();
    }
  });

  it('declares a silent connection dead (no PONG), reconnects and records the gap', async () => {
    const h = await harness({ rate: 300 }, { channels: CHANNELS, pongTimeoutMs: 300 });
    try {
      await waitFor(() => CHANNELS.every((c) => h.store.sequenceCounts(c).size > 10), 'lines in every channel');
      h.sim.goSilent();
      await waitFor(() => h.store.gaps.length > 0, 'the gap');
      assert.match(h.store.gaps[0]!.reason, /no PONG/);
      const counts = CHANNELS.map((c) => h.store.sequenceCounts(c).size);
      await waitFor(() => CHANNELS.every((c, i) => h.store.sequenceCounts(c).size > counts[i]! + 10), 'lines after the reconnect');
    } finally {
      await h.close();
    }
  });

  it('on RECONNECT joins on a new connection before leaving the old one: no line lost, no gap', async () => {
    const limit = 4000;
    // The grace is only an upper bound: the collector leaves the old connection itself once the new one
    // has every channel, so a long one costs nothing and a loaded machine cannot outrun it.
    const h = await harness({ rate: 1000, limit, reconnectGraceMs: 15_000 }, { channels: CHANNELS });
    try {
      await waitFor(() => CHANNELS.every((c) => h.store.sequenceCounts(c).size > 200), 'lines in every channel');
      h.sim.sendReconnect();
      await waitFor(() => CHANNELS.every((c) => hasSequence(h.store, c, limit, false)), 'every line');
      await waitFor(() => h.sim.stats().connections === 1, 'the old connection to go');
      assert.equal(h.store.gaps.length, 0);
      assert.equal(h.sim.stats().connectionsAccepted, 2);
    } finally {
      await h.close();
    }
  });

  it('joins 200 channels under the JOIN limit without a single JOIN dropped, on ceil(200/50) connections', async () => {
    const channels = Array.from({ length: 200 }, (_, i) => `#chan${i}`);
    // Twitch's limit scaled down (100 per 2 s instead of 20 per 10 s) so that 200 channels take two windows.
    // The server counts on arrival; our padded window (a tenth, 200 ms here) absorbs delivery jitter.
    const h = await harness(
      { limit: 0, joinLimit: { count: 100, windowMs: 2000 } },
      { channels, joinRate: { limit: 100, windowMs: 2000 }, channelsPerConnection: 50, joinTimeoutMs: 20_000 },
    );
    try {
      await waitFor(() => h.collector.status().channels.joined === 200, 'all 200 joined', 25_000);
      const stats = h.sim.stats();
      assert.equal(stats.joinsDropped, 0);
      assert.equal(stats.joinsAccepted, 200);
      assert.ok(stats.connections <= 4, `${stats.connections} connections`);
      assert.ok(h.collector.status().connections.length <= 4);
    } finally {
      await h.close();
    }
  });

  it('marks a suspended channel failed and records the others', async () => {
    const h = await harness({ channels: ['alive'], rate: 100 }, { channels: ['#alive', '#banned'] });
    try {
      await waitFor(() => h.store.latestState('#banned') === 'failed' && h.store.latestState('#alive') === 'joined', 'both states');
      assert.equal(h.store.states.filter((s) => s.channel === '#banned').at(-1)!.detail, 'msg_channel_suspended');
    } finally {
      await h.close();
    }
  });
});

describe('Collector against the simulator: logins', () => {
  it('stops on a refused token with one clear error and no reconnect storm', async () => {
    const h = await harness({ rejectTokens: true }, { channels: CHANNELS, login: { nick: 'saltbot', token: 'sekrit' } });
    try {
      const [err] = (await within(once(h.collector, 'fatal'), 'the fatal error')) as [Error];
      assert.ok(err instanceof AuthFailure);
      assert.match(err.message, /Login authentication failed/);
      assert.doesNotMatch(err.message, /sekrit/);
      await h.collector.stop();
      assert.equal(h.sim.stats().connectionsAccepted, 1);
    } finally {
      await h.close();
    }
  });

  it('tries exactly once more when a refreshed token is available', async () => {
    let asked = 0;
    const h = await harness(
      { rejectTokens: true },
      {
        channels: ['#one'],
        login: async () => ({ nick: 'saltbot', token: asked === 0 ? 'old' : 'new' }),
        onAuthFailure: async (rejected) => {
          asked++;
          return rejected.token === 'old';
        },
      },
    );
    try {
      await within(once(h.collector, 'fatal'), 'the fatal error');
      await h.collector.stop();
      assert.equal(asked, 2);
      assert.equal(h.sim.stats().connectionsAccepted, 2);
    } finally {
      await h.close();
    }
  });
});
