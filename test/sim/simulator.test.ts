import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../src/irc/parse.js';
import { TwitchSimulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { simSeqOf } from '../../src/sim/corpus.js';
import { LineClient } from './line-client.js';

const CAPS = 'CAP REQ :twitch.tv/tags twitch.tv/commands twitch.tv/membership';

function m0<T>(list: readonly T[]): T {
  assert.ok(list.length > 0);
  return list[0]!;
}

async function withSim(options: SimulatorOptions, body: (sim: TwitchSimulator) => Promise<void>): Promise<void> {
  const sim = new TwitchSimulator(options);
  await sim.listen();
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

const has = (text: string) => (lines: string[]) => lines.some((l) => l.includes(text));

describe('TwitchSimulator: login and channel replies', () => {
  it('logs an anonymous client in, acknowledges the capabilities, answers JOIN and PING like Twitch', async () => {
    await withSim({ limit: 0 }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan4711', 'JOIN #Foo', 'PING :hello');
      await client.until(has('PONG'));
      assert.deepEqual(client.lines.map((l) => parseLine(l).command), ['CAP', '001', '002', '003', '004', '375', '372', '376', 'JOIN', '353', '366', 'USERSTATE', 'ROOMSTATE', 'PONG']);
      assert.equal(client.lines[0], ':tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands twitch.tv/membership');
      assert.equal(client.lines[8], ':justinfan4711!justinfan4711@justinfan4711.tmi.twitch.tv JOIN #foo');
      assert.match(client.lines[12]!, /^@emote-only=0;followers-only=-1;r9k=0;room-id=\d+;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #foo$/);
      assert.equal(client.lines[13], ':tmi.twitch.tv PONG tmi.twitch.tv :hello');
      client.close();
    });
  });

  it('refuses a token when told to, with Twitch\'s NOTICE, and closes the connection', async () => {
    await withSim({ rejectTokens: true }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'PASS oauth:badtoken', 'NICK someone');
      await client.whenClosed();
      assert.deepEqual(client.lines.slice(1), [':tmi.twitch.tv NOTICE * :Login authentication failed']);
      assert.equal(sim.stats().loginFailures, 1);
    });
  });

  it('accepts only the configured tokens and sends GLOBALUSERSTATE to a logged-in user', async () => {
    await withSim({ validTokens: ['good'] }, async (sim) => {
      const good = await LineClient.tcp(sim.port);
      good.send(CAPS, 'PASS oauth:good', 'NICK SaltBot');
      await good.until(has('GLOBALUSERSTATE'));
      const bad = await LineClient.tcp(sim.port);
      bad.send('PASS oauth:other', 'NICK saltbot');
      await bad.whenClosed();
      assert.deepEqual(bad.lines, [':tmi.twitch.tv NOTICE * :Login authentication failed']);
      good.close();
    });
  });

  it('answers a JOIN to a channel that does not exist with msg_channel_suspended', async () => {
    await withSim({ channels: ['real'], limit: 0 }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan1', 'JOIN #real,#fake');
      await client.until(has('NOTICE #fake'));
      assert.ok(client.lines.some((l) => l.endsWith('JOIN #real')));
      assert.ok(client.lines.includes('@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #fake :This channel does not exist or has been suspended.'));
      client.close();
    });
  });

  it('drops JOINs beyond the rate limit without a word, counting each channel of a batched JOIN', async () => {
    await withSim({ joinLimit: { count: 5, windowMs: 60_000 }, limit: 0 }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan1', 'JOIN #c1,#c2,#c3', 'JOIN #c4,#c5,#c6,#c7', 'PING :done');
      await client.until(has('PONG'));
      assert.deepEqual(client.lines.filter((l) => / JOIN /.test(l)).map((l) => l.split(' ').at(-1)), ['#c1', '#c2', '#c3', '#c4', '#c5']);
      assert.equal(sim.stats().joinsDropped, 2);
      client.close();
    });
  });

  it('speaks the same dialect over WebSocket on the same port', async () => {
    await withSim({ limit: 3 }, async (sim) => {
      const client = await LineClient.ws(sim.wsUrl);
      client.send(CAPS, 'NICK justinfan2', 'JOIN #wsroom');
      await client.until((lines) => lines.filter((l) => l.includes('sim-seq=')).length === 3);
      assert.deepEqual(client.lines.filter((l) => l.includes('sim-seq=')).map(simSeqOf), [1, 2, 3]);
      client.close();
    });
  });
});

describe('TwitchSimulator: replay', () => {
  it('replays every line exactly once per channel, in sequence, with fresh ids, channel and room id rewritten', async () => {
    const limit = 6000; // more than the corpus: it loops
    await withSim({ limit }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan3', 'JOIN #alpha,#beta');
      await client.until((lines) => lines.filter((l) => l.includes('sim-seq=')).length === 2 * limit, 'all replayed lines');
      const ids = new Set<string>();
      for (const channel of ['#alpha', '#beta']) {
        const mine = client.lines.map(parseLine).filter((m) => m.tags['sim-seq'] !== undefined && m.params[0] === channel);
        assert.deepEqual(mine.map((m) => Number(m.tags['sim-seq'])), Array.from({ length: limit }, (_, i) => i + 1));
        assert.equal(new Set(mine.map((m) => m.tags['room-id'])).size, 1, 'one room id per channel');
        for (const m of mine) {
          assert.ok(!m.malformed);
          ids.add(m.tags['id']!);
          assert.ok(Math.abs(Number(m.tags['tmi-sent-ts']) - Date.now()) < 60_000, 'tmi-sent-ts is fresh');
        }
      }
      assert.equal(ids.size, 2 * limit, 'every id unique');
      assert.ok(!client.lines.some((l) => l.includes('#xqcow')), 'the corpus channel is rewritten everywhere');
      assert.deepEqual(sim.stats().rooms.map((r) => [r.channel, r.sent, r.done]), [['#alpha', limit, true], ['#beta', limit, true]]);
      client.close();
    });
  });

  it('with stagger, starts each channel at a different corpus line, still counting sim-seq from 1', async () => {
    await withSim({ limit: 2, stagger: true }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan3', 'JOIN #alpha', 'JOIN #beta');
      await client.until((lines) => lines.filter((l) => l.includes('sim-seq=')).length === 4, 'all replayed lines');
      const replayed = client.lines.map(parseLine).filter((m) => m.tags['sim-seq'] !== undefined);
      const first = (channel: string): string => {
        const mine = replayed.filter((m) => m.params[0] === channel);
        assert.deepEqual(mine.map((m) => Number(m.tags['sim-seq'])), [1, 2]);
        return `${m0(mine).command} ${m0(mine).tags['user-id'] ?? ''} ${m0(mine).params[1] ?? ''}`;
      };
      assert.notEqual(first('#alpha'), first('#beta'));
      client.close();
    });
  });

  it('paces lines at the given rate instead of sending them all at once', async () => {
    await withSim({ rate: 50, limit: 1000 }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan3', 'JOIN #slow');
      await client.until(has('sim-seq=5;'));
      assert.ok(sim.stats().rooms[0]!.sent < 1000, 'not everything is out yet');
      client.close();
    });
  });

  it('stops filling a client that does not read (back-pressure) and catches up when it reads again', async () => {
    await withSim({}, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan5', 'JOIN #firehose');
      await client.until(has('sim-seq='));
      client.socket.pause();
      // Stalled: nothing more replayed over a tenth of a second (bounded, in case it never stalls).
      let previous = -1;
      for (const until = Date.now() + 15_000; ; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const sent = sim.stats().rooms[0]!.sent;
        if (sent === previous) break;
        assert.ok(Date.now() < until, `the replay never stalled for a client that does not read (${sent} lines sent)`);
        previous = sent;
      }
      client.socket.resume();
      await client.until(has(`sim-seq=${previous + 1000};`), 'lines after the pause');
      client.close();
    });
  });
});

describe('TwitchSimulator: fault modes', () => {
  it('sends RECONNECT and closes the connection after the grace period', async () => {
    await withSim({ reconnectGraceMs: 20, limit: 0 }, async (sim) => {
      const client = await LineClient.tcp(sim.port);
      client.send(CAPS, 'NICK justinfan6');
      await client.until(has(' 376 '));
      sim.sendReconnect();
      await client.whenClosed();
      assert.equal(client.lines.at(-1), ':tmi.twitch.tv RECONNECT');
    });
  });

  it('goes silent on open connections (no lines, no PONG) while new connections work', async () => {
    await withSim({ rate: 200 }, async (sim) => {
      const zombie = await LineClient.tcp(sim.port);
      zombie.send(CAPS, 'NICK justinfan7', 'JOIN #quiet');
      await zombie.until(has('sim-seq='));
      sim.goSilent();
      const seen = zombie.lines.length;
      zombie.send('PING :anyone');
      const fresh = await LineClient.tcp(sim.port);
      fresh.send(CAPS, 'NICK justinfan8', 'JOIN #quiet', 'PING :x');
      await fresh.until(has('sim-seq='));
      await fresh.until(has('PONG'));
      // The fresh connection has seen PONG and replayed lines; the silent one got nothing since.
      assert.equal(zombie.lines.length, seen);
      zombie.close();
      fresh.close();
    });
  });

  it('drops every connection at once', async () => {
    await withSim({ limit: 0 }, async (sim) => {
      const a = await LineClient.tcp(sim.port);
      const b = await LineClient.ws(sim.wsUrl);
      a.send('NICK justinfan9');
      b.send('NICK justinfan10');
      await a.until(has(' 376 '));
      await b.until(has(' 376 '));
      sim.dropConnections();
      await a.whenClosed();
      await b.whenClosed();
      assert.equal(sim.stats().connections, 0);
    });
  });

  it('delivers a logged-in user\'s PRIVMSG to the other clients in the room, and ignores anonymous senders', async () => {
    await withSim({ limit: 0 }, async (sim) => {
      const bot = await LineClient.tcp(sim.port);
      const reader = await LineClient.tcp(sim.port);
      bot.send(CAPS, 'PASS oauth:t', 'NICK saltbot', 'JOIN #room');
      reader.send(CAPS, 'NICK justinfan11', 'JOIN #room', 'PRIVMSG #room :anonymous words');
      await bot.until(has('ROOMSTATE'));
      await reader.until(has('ROOMSTATE'));
      bot.send('PRIVMSG #room :hello chat');
      await reader.until(has('PRIVMSG #room :hello chat'));
      await bot.until((lines) => lines.filter((l) => l.includes(' USERSTATE #room')).length === 2, 'the USERSTATE answering the PRIVMSG');
      assert.deepEqual(sim.stats().said, [{ nick: 'saltbot', channel: '#room', text: 'hello chat' }]);
      bot.close();
      reader.close();
    });
  });
});
