import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { batchCommand, IrcConnection, type CloseInfo, type ConnectionEvents, type LoginCredentials } from '../../src/collector/connection.js';
import { parseServerUrl } from '../../src/collector/transport.js';
import { parseLine, type IrcMessage } from '../../src/irc/parse.js';
import { createLogger } from '../../src/log.js';
import { FakeTransport } from './fake-transport.js';

const log = createLogger('silent');

/** Records every callback as an event of the same name. */
class Recorder extends EventEmitter implements ConnectionEvents {
  lines: IrcMessage[] = [];
  receivedMs: number[] = [];
  calls: string[] = [];
  closed: CloseInfo | null = null;
  onLine(line: string, receivedMs: number): void {
    this.lines.push(parseLine(line));
    this.receivedMs.push(receivedMs);
  }
  onRegistered(): void {
    this.calls.push('registered');
  }
  onJoined(_c: IrcConnection, channel: string): void {
    this.calls.push(`joined ${channel}`);
  }
  onJoinFailed(_c: IrcConnection, channel: string, reason: string): void {
    this.calls.push(`failed ${channel} ${reason}`);
  }
  onParted(_c: IrcConnection, channel: string): void {
    this.calls.push(`parted ${channel}`);
  }
  onUserstate(_c: IrcConnection, channel: string): void {
    this.calls.push(`userstate ${channel}`);
  }
  onReconnectRequested(): void {
    this.calls.push('reconnect');
  }
  onClosed(_c: IrcConnection, info: CloseInfo): void {
    this.closed = info;
    this.emit('closed', info);
  }
}

function setup(login: LoginCredentials | null = null, timing: { pingIntervalMs?: number; pongTimeoutMs?: number; connectTimeoutMs?: number } = {}) {
  const transport = new FakeTransport();
  const recorder = new Recorder();
  const conn = new IrcConnection(
    { url: parseServerUrl('irc://127.0.0.1:6667'), login, pingIntervalMs: timing.pingIntervalMs ?? 60_000, pongTimeoutMs: timing.pongTimeoutMs ?? 10_000, connectTimeoutMs: timing.connectTimeoutMs ?? 10_000 },
    transport,
    recorder,
    recorder,
    log,
  );
  conn.open();
  transport.open();
  return { transport, recorder, conn };
}

function welcome(transport: FakeTransport, nick: string): void {
  transport.serverSends(`:tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands twitch.tv/membership\r\n:tmi.twitch.tv 001 ${nick} :Welcome, GLHF!\r\n:tmi.twitch.tv 376 ${nick} :>\r\n`);
}

async function closeAll(conn: IrcConnection, transport: FakeTransport, recorder: Recorder): Promise<void> {
  if (recorder.closed !== null) return;
  const closed = once(recorder, 'closed');
  conn.destroy('test over');
  transport.serverCloses();
  await closed;
}

describe('IrcConnection: login', () => {
  it('logs in anonymously as justinfan<digits> with the three capabilities and no PASS', async () => {
    const { transport, recorder, conn } = setup();
    assert.match(conn.nick, /^justinfan\d+$/);
    assert.deepEqual(transport.sentLines, ['CAP REQ :twitch.tv/tags twitch.tv/commands twitch.tv/membership', `NICK ${conn.nick}`]);
    welcome(transport, conn.nick);
    assert.equal(conn.state, 'ready');
    assert.deepEqual(recorder.calls, ['registered']);
    await closeAll(conn, transport, recorder);
  });

  it('sends PASS oauth:<token> before NICK <login> when a token is configured', async () => {
    const { transport, recorder, conn } = setup({ nick: 'SaltBot', token: 'abc123' });
    assert.deepEqual(transport.sentLines, ['CAP REQ :twitch.tv/tags twitch.tv/commands twitch.tv/membership', 'PASS oauth:abc123', 'NICK saltbot']);
    await closeAll(conn, transport, recorder);
  });

  it('reports NOTICE * before 001 as an authentication failure carrying Twitch\'s words', async () => {
    const { transport, recorder } = setup({ nick: 'saltbot', token: 'wrong' });
    const closed = once(recorder, 'closed');
    transport.serverSends(':tmi.twitch.tv NOTICE * :Login authentication failed\r\n');
    const [info] = (await closed) as [CloseInfo];
    assert.equal(info.authFailure, true);
    assert.match(info.message, /Login authentication failed/);
    assert.doesNotMatch(info.message, /wrong/, 'the token never appears in the error');
    assert.equal(recorder.lines.length, 1, 'the NOTICE itself is still handed on to be stored');
  });

  it('gives up on a server that never welcomes us', async () => {
    const { recorder } = setup(null, { connectTimeoutMs: 20 });
    const [info] = (await once(recorder, 'closed')) as [CloseInfo];
    assert.equal(info.authFailure, false);
    assert.match(info.message, /no welcome/);
  });
});

describe('IrcConnection: every line goes to the sink', () => {
  it('hands on each line once, in order, whatever it is, reassembling lines and UTF-8 split across chunks', async () => {
    const { transport, recorder, conn } = setup();
    welcome(transport, conn.nick);
    recorder.lines = [];
    const text = '@id=1 :a!a@a.tmi.twitch.tv PRIVMSG #c :h\u00e9llo \u{1F600}\r\n\u0000garbage line\r\nPING :tmi.twitch.tv\r\n:tmi.twitch.tv 421 x FOO :Unknown command\r\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += 7) transport.serverSends(bytes.subarray(i, i + 7));
    assert.deepEqual(recorder.lines.map((m) => m.raw), text.split('\r\n').filter((l) => l !== ''));
    assert.equal(recorder.lines[1]!.malformed, true);
    await closeAll(conn, transport, recorder);
  });

  it('answers the server PING with a PONG carrying the same text', async () => {
    const { transport, recorder, conn } = setup();
    welcome(transport, conn.nick);
    transport.written = '';
    transport.serverSends('PING :tmi.twitch.tv\r\n');
    assert.deepEqual(transport.sentLines, ['PONG :tmi.twitch.tv']);
    await closeAll(conn, transport, recorder);
  });

  it('hands on a last line the server sent without a line ending before closing, stamped with its arrival', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const { transport, recorder } = setup();
    transport.serverSends(':tmi.twitch.tv NOTICE #x :no newline');
    t.mock.timers.tick(5000);
    const closed = once(recorder, 'closed');
    transport.serverCloses();
    await closed;
    assert.equal(recorder.lines.at(-1)!.raw, ':tmi.twitch.tv NOTICE #x :no newline');
    assert.equal(recorder.receivedMs.at(-1), 1_000_000, 'received when its bytes came, not when the connection closed');
  });
});

describe('IrcConnection: channels and server requests', () => {
  it('tracks its own JOIN and PART echoes and refused joins, ignoring other users', async () => {
    const { transport, recorder, conn } = setup();
    welcome(transport, conn.nick);
    conn.join(['#a', '#b', '#gone']);
    assert.deepEqual(transport.sentLines.at(-1), 'JOIN #a,#b,#gone');
    const n = conn.nick;
    transport.serverSends(`:${n}!${n}@${n}.tmi.twitch.tv JOIN #a\r\n:other!other@other.tmi.twitch.tv JOIN #b\r\n@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #gone :This channel does not exist or has been suspended.\r\n`);
    transport.serverSends(`@badges=moderator/1;mod=1 :tmi.twitch.tv USERSTATE #a\r\n:${n}!${n}@${n}.tmi.twitch.tv PART #a\r\n`);
    assert.deepEqual(recorder.calls, ['registered', 'joined #a', 'failed #gone msg_channel_suspended', 'userstate #a', 'parted #a']);
    assert.deepEqual([...conn.joined], []);
    assert.deepEqual([...conn.joinRequested.keys()], ['#b']);
    await closeAll(conn, transport, recorder);
  });

  it('passes RECONNECT on to the pool', async () => {
    const { transport, recorder, conn } = setup();
    welcome(transport, conn.nick);
    transport.serverSends(':tmi.twitch.tv RECONNECT\r\n');
    assert.deepEqual(recorder.calls, ['registered', 'reconnect']);
    await closeAll(conn, transport, recorder);
  });

  it('quits in order: sends QUIT and still hands on what arrives until the server closes', async () => {
    const { transport, recorder, conn } = setup();
    welcome(transport, conn.nick);
    const quit = conn.quit(5000);
    assert.equal(transport.sentLines.at(-1), 'QUIT');
    transport.serverSends('@id=late :a!a@a.tmi.twitch.tv PRIVMSG #c :still in flight\r\n');
    transport.serverCloses();
    await quit;
    assert.equal(recorder.lines.at(-1)!.raw.includes('still in flight'), true);
    assert.equal(recorder.closed!.byUs, true);
  });
});

// Liveness runs on a mocked clock (timers and Date): the deadlines are exact, and a loaded machine
// cannot make a test wait for, or miss, a timer. setImmediate stays real: `readingTurn()` lets the
// connection's verdict, which waits for one round of socket reading, run.
describe('IrcConnection: liveness', () => {
  const PING_EVERY = 1000;
  const PONG_WITHIN = 2500;
  const pings = (transport: FakeTransport) => transport.sentLines.filter((l) => l.startsWith('PING'));
  const pong = (ping: string) => `:tmi.twitch.tv PONG tmi.twitch.tv :${ping.slice('PING :'.length)}\r\n`;
  const readingTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('sends its own PING and declares the connection dead when neither PONG nor anything else comes back', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    const { transport, recorder, conn } = setup(null, { pingIntervalMs: PING_EVERY, pongTimeoutMs: PONG_WITHIN });
    welcome(transport, conn.nick);
    t.mock.timers.tick(PING_EVERY);
    assert.match(pings(transport).join(), /^PING :saltmine-\d+$/);
    t.mock.timers.tick(PONG_WITHIN - 1);
    await readingTurn();
    assert.equal(transport.destroyed, false, 'still within the PONG deadline');
    const closed = once(recorder, 'closed');
    t.mock.timers.tick(1);
    const [info] = (await closed) as [CloseInfo];
    assert.match(info.message, /no PONG within 2500 ms/);
    assert.equal(transport.destroyed, true);
  });

  it('stays up while the server answers every PING, however late within the deadline', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    const { transport, recorder, conn } = setup(null, { pingIntervalMs: PING_EVERY, pongTimeoutMs: PONG_WITHIN });
    welcome(transport, conn.nick);
    // The server answers each PING half a second late; the deadline of one PING must not judge the next.
    let answered = 0;
    for (let elapsed = 0; elapsed < 20 * PING_EVERY; elapsed += 500) {
      const waiting = pings(transport);
      transport.written = '';
      t.mock.timers.tick(500);
      await readingTurn();
      assert.equal(transport.destroyed, false, `alive after ${elapsed + 500} ms and ${answered} PONGs`);
      for (const ping of waiting) transport.serverSends(pong(ping));
      answered += waiting.length;
    }
    assert.ok(answered >= 15, `${answered} PINGs answered`);
    assert.equal(conn.state, 'ready');
    await closeAll(conn, transport, recorder);
  });

  it('counts a PONG that was waiting unread when the deadline fired (the event loop had stalled)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    const { transport, recorder, conn } = setup(null, { pingIntervalMs: PING_EVERY, pongTimeoutMs: PONG_WITHIN });
    welcome(transport, conn.nick);
    t.mock.timers.tick(PING_EVERY);
    const [ping] = pings(transport);
    // Timers run before sockets are read: the deadline fires first, then the PONG is read in the same turn.
    t.mock.timers.tick(PONG_WITHIN);
    transport.serverSends(pong(ping!));
    await readingTurn();
    assert.equal(transport.destroyed, false);
    assert.equal(conn.state, 'ready');
    await closeAll(conn, transport, recorder);
  });

  it('does not declare a paused connection dead (the PONG waits unread behind back-pressure), and pings again after resuming', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    const { transport, recorder, conn } = setup(null, { pingIntervalMs: PING_EVERY, pongTimeoutMs: PONG_WITHIN });
    welcome(transport, conn.nick);
    t.mock.timers.tick(PING_EVERY);
    assert.equal(pings(transport).length, 1);
    conn.pause();
    assert.equal(transport.paused, true);
    t.mock.timers.tick(PONG_WITHIN * 4);
    await readingTurn();
    assert.equal(transport.destroyed, false);
    assert.equal(pings(transport).length, 1, 'no PING while paused');
    conn.resume();
    assert.equal(transport.paused, false);
    t.mock.timers.tick(PING_EVERY);
    assert.equal(pings(transport).length, 2, 'the liveness check carries on after the pause');
    await closeAll(conn, transport, recorder);
  });
});

describe('batchCommand', () => {
  it('joins channels with commas, each line under 500 characters, every channel once', () => {
    const channels = Array.from({ length: 200 }, (_, i) => `#channel_number_${i}`);
    const lines = batchCommand('JOIN', channels);
    assert.ok(lines.length > 1);
    for (const line of lines) assert.ok(line.length <= 500, `${line.length} characters`);
    assert.deepEqual(lines.flatMap((l) => l.slice(5).split(',')), channels);
  });
});
