import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isPrivmsg, parseLine, parsePrefix } from '../../src/irc/parse.js';
import { corpusLines } from './corpus.js';

/** The parts of an IrcMessage a caller reads, tags as a plain object. */
function shape(line: string) {
  const m = parseLine(line);
  return { tags: { ...m.tags }, prefix: m.prefix, command: m.command, params: m.params, malformed: m.malformed };
}

describe('parseLine: structure', () => {
  it('splits a real tagged PRIVMSG into tags, prefix, command and params', () => {
    // twitch-lines.txt, dank-twitch-irc irc-message.spec.ts
    const m = parseLine(':tetyys!tetyys@tetyys.tmi.twitch.tv PRIVMSG #pajlada :KKona');
    assert.deepEqual(m.tags, {});
    assert.deepEqual(m.prefix, { nick: 'tetyys', user: 'tetyys', host: 'tetyys.tmi.twitch.tv' });
    assert.equal(m.command, 'PRIVMSG');
    assert.deepEqual(m.params, ['#pajlada', 'KKona']);
    assert.equal(m.hasTrailing, true);
    assert.equal(m.malformed, false);
    assert.equal(m.error, null);
  });

  it('keeps the raw line exactly and parses every tag of a real CLEARCHAT', () => {
    const line = '@ban-duration=5;room-id=11148817;target-user-id=70948394;tmi-sent-ts=1562587662677 :tmi.twitch.tv CLEARCHAT #pajlada :weeb123';
    const m = parseLine(line);
    assert.equal(m.raw, line);
    assert.deepEqual(shape(line), {
      tags: { 'ban-duration': '5', 'room-id': '11148817', 'target-user-id': '70948394', 'tmi-sent-ts': '1562587662677' },
      prefix: { nick: null, user: null, host: 'tmi.twitch.tv' },
      command: 'CLEARCHAT',
      params: ['#pajlada', 'weeb123'],
      malformed: false,
    });
  });

  it('takes everything after " :" as one trailing param, colons and double spaces included', () => {
    assert.deepEqual(parseLine('PRIVMSG #a :hello :)  world ').params, ['#a', 'hello :)  world ']);
  });

  it('counts a last param without ":" as a param (PRIVMSG #pajlada shared9Dog)', () => {
    const m = parseLine(':a!a@a.tmi.twitch.tv PRIVMSG #pajlada shared9Dog');
    assert.deepEqual(m.params, ['#pajlada', 'shared9Dog']);
    assert.equal(m.hasTrailing, false);
  });

  it('gives an empty trailing param for " :" at the end', () => {
    const m = parseLine('PRIVMSG #a :');
    assert.deepEqual(m.params, ['#a', '']);
    assert.equal(m.hasTrailing, true);
  });

  it('tolerates repeated spaces between every part (edge-case matrix: double space in middle params)', () => {
    assert.deepEqual(shape('@a=1   :nick!u@h    PRIVMSG   #chan   x    :text  here'), {
      tags: { a: '1' },
      prefix: { nick: 'nick', user: 'u', host: 'h' },
      command: 'PRIVMSG',
      params: ['#chan', 'x', 'text  here'],
      malformed: false,
    });
  });

  it('ignores spaces at the start and at the end of a line without trailing param', () => {
    assert.deepEqual(parseLine('  PING   tmi.twitch.tv   ').params, ['tmi.twitch.tv']);
  });

  it('strips a CRLF or LF left on the line', () => {
    assert.equal(parseLine('PING :tmi.twitch.tv\r\n').raw, 'PING :tmi.twitch.tv');
    assert.deepEqual(parseLine('PING :tmi.twitch.tv\n').params, ['tmi.twitch.tv']);
  });

  it('upper-cases the command, also when only inner letters are lower case', () => {
    assert.equal(parseLine('privmsg #a :b').command, 'PRIVMSG');
    assert.equal(parseLine('PrivMsG #a :b').command, 'PRIVMSG');
    assert.equal(parseLine('PRIVMSg #a :b').command, 'PRIVMSG');
  });

  it('accepts a three-digit numeric as the command', () => {
    assert.deepEqual(shape(':tmi.twitch.tv 001 justinfan123 :Welcome, GLHF!'), {
      tags: {},
      prefix: { nick: null, user: null, host: 'tmi.twitch.tv' },
      command: '001',
      params: ['justinfan123', 'Welcome, GLHF!'],
      malformed: false,
    });
  });

  it('parses a line with tags and no prefix', () => {
    assert.deepEqual(shape('@msg-id=host_on PING'), { tags: { 'msg-id': 'host_on' }, prefix: null, command: 'PING', params: [], malformed: false });
  });

  it('parses an empty tag section (@ followed by a space)', () => {
    assert.deepEqual(shape('@ :tmi.twitch.tv RECONNECT'), {
      tags: {},
      prefix: { nick: null, user: null, host: 'tmi.twitch.tv' },
      command: 'RECONNECT',
      params: [],
      malformed: false,
    });
  });

  it('keeps tag values exactly, escapes and all', () => {
    const m = parseLine('@a=x=y;b;c=;d=\\sx\\s;e=p\\q;f=end\\ :tmi.twitch.tv NOTICE #c :t');
    assert.deepEqual({ ...m.tags }, { a: 'x=y', b: '', c: '', d: ' x ', e: 'pq', f: 'end' });
  });
});

describe('parsePrefix', () => {
  it('reads nick!user@host', () => {
    assert.deepEqual(parsePrefix('leppunen!LEPPUNEN@lePPunen.tmi.twitch.tv'), { nick: 'leppunen', user: 'LEPPUNEN', host: 'lePPunen.tmi.twitch.tv' });
  });

  it('reads a dotted name as a server host (tmi.twitch.tv, the 353 prefix)', () => {
    assert.deepEqual(parsePrefix('tmi.twitch.tv'), { nick: null, user: null, host: 'tmi.twitch.tv' });
    assert.deepEqual(parsePrefix('justinfan12345.tmi.twitch.tv'), { nick: null, user: null, host: 'justinfan12345.tmi.twitch.tv' });
  });

  it('reads a bare name as a nick (:jtv)', () => {
    assert.deepEqual(parsePrefix('jtv'), { nick: 'jtv', user: null, host: null });
  });

  it('reads nick@host and nick!user', () => {
    assert.deepEqual(parsePrefix('a@b.c'), { nick: 'a', user: null, host: 'b.c' });
    assert.deepEqual(parsePrefix('a!b'), { nick: 'a', user: 'b', host: null });
  });
});

describe('parseLine: malformed lines come back marked, with the raw text, never thrown', () => {
  const cases: [string, string, RegExp][] = [
    ['an empty line', '', /empty line/],
    ['only spaces', '   ', /empty line/],
    ['tags without a command', '@a=1;b=2', /no command after tags/],
    ['tags and spaces only', '@a=1   ', /no command after tags/],
    ['a prefix without a command', ':tmi.twitch.tv', /no command after prefix/],
    ['an empty prefix', ': PRIVMSG #a :b', /empty prefix/],
    ['a command with a digit (P1NG)', '@key=value :tmi.twitch.tv P1NG', /invalid command "P1NG"/],
    ['a four-digit numeric', ':tmi.twitch.tv 1234 x', /invalid command/],
    ['a command with punctuation', 'PRIV-MSG #a :b', /invalid command/],
    ['a non-ASCII command', 'PRÏVMSG #a :b', /invalid command/],
  ];
  for (const [what, line, error] of cases) {
    it(`marks ${what} as malformed`, () => {
      const m = parseLine(line);
      assert.equal(m.malformed, true);
      assert.equal(m.raw, line.replace(/[\r\n]+$/, ''));
      assert.match(m.error ?? '', error);
    });
  }

  it('keeps the tags it could read on a malformed line', () => {
    assert.deepEqual({ ...parseLine('@key=value :tmi.twitch.tv P1NG').tags }, { key: 'value' });
  });
});

describe('parseLine over the corpora', () => {
  it('parses every real Twitch line without marking it malformed', () => {
    const lines = corpusLines('twitch-lines.txt');
    assert.ok(lines.length > 390);
    const bad = lines.filter((line) => parseLine(line).malformed);
    assert.deepEqual(bad, []);
  });

  it('parses every edge-case line; only the line with the P1NG command is malformed', () => {
    const lines = corpusLines('edge-cases.txt');
    assert.ok(lines.length > 200);
    const bad = lines.filter((line) => parseLine(line).malformed).map((line) => parseLine(line).command);
    assert.deepEqual(bad, ['P1NG']);
  });

  it('parses every line of the xqcow log to PRIVMSG, CLEARCHAT or USERNOTICE', () => {
    const counts: Record<string, number> = {};
    for (const line of corpusLines('xqcow-2019-09-15.log')) {
      const m = parseLine(line);
      counts[m.command] = (counts[m.command] ?? 0) + 1;
    }
    // Counted with awk over the log file (peer-libraries.md §4 gives the same 4933 / 58 / 9).
    assert.deepEqual(counts, { PRIVMSG: 4933, CLEARCHAT: 58, USERNOTICE: 9 });
  });
});

describe('isPrivmsg (the socket thread reads the command without parsing chat)', () => {
  const chatCommand = (line: string) => parseLine(line).command === 'PRIVMSG';

  it('agrees with parseLine on every corpus line', () => {
    for (const name of ['twitch-lines.txt', 'edge-cases.txt', 'xqcow-2019-09-15.log']) {
      for (const line of corpusLines(name)) assert.equal(isPrivmsg(line), chatCommand(line), line);
    }
  });

  // A line it calls chat must be chat; one it misses (a lower-case command, which parseLine upper-cases) is only
  // parsed on the socket thread as well, which costs time, not correctness.
  it('calls a line chat only where parseLine does, on lines put together from tags, prefixes, commands and spaces', () => {
    const piece = fc.constantFrom('@a=1;b=2', '@', '@x=\\s', ':nick!u@h', ':', ':tmi.twitch.tv', 'PRIVMSG', 'privmsg', 'PRIVMSGX', 'NOTICE', '#chan', ':hi there', '', ' ', '  ');
    fc.assert(fc.property(fc.array(piece, { maxLength: 7 }), fc.constantFrom(' ', '  ', ''), (pieces, glue) => {
      const line = pieces.join(glue);
      if (isPrivmsg(line)) assert.ok(chatCommand(line), JSON.stringify(line));
    }), { numRuns: 5000 });
  });
});
