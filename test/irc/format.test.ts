import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatLine } from '../../src/irc/format.js';
import { parseLine, type IrcMessage } from '../../src/irc/parse.js';
import { corpusLines } from './corpus.js';

/** What "the same message" means: tags (order-insensitive), prefix, command and params; not the raw spelling. */
function message(m: IrcMessage) {
  return { tags: { ...m.tags }, prefix: m.prefix, command: m.command, params: m.params, malformed: m.malformed };
}

function assertRoundTrip(line: string): void {
  const parsed = parseLine(line);
  const again = parseLine(formatLine(parsed));
  assert.deepEqual(message(again), message(parsed), `round trip changed ${JSON.stringify(line.slice(0, 120))}`);
}

describe('formatLine: formatting a parsed line gives the same message back (rustlog round trip)', () => {
  it('round-trips every real Twitch line', () => {
    for (const line of corpusLines('twitch-lines.txt')) assertRoundTrip(line);
  });

  it('round-trips every well-formed edge-case line', () => {
    for (const line of corpusLines('edge-cases.txt')) if (!parseLine(line).malformed) assertRoundTrip(line);
  });

  it('round-trips every line of the xqcow log', () => {
    for (const line of corpusLines('xqcow-2019-09-15.log')) assertRoundTrip(line);
  });

  it('reproduces a canonical Twitch line byte for byte', () => {
    const line = '@badge-info=;badges=turbo/1;color=#9ACD32;display-name=TestChannel;emotes=;id=3d830f12-795c-447d-af3c-ea05e40fbddb;login=testchannel;mod=0;msg-id=raid;msg-param-displayName=TestChannel;msg-param-login=testchannel;msg-param-viewerCount=15;room-id=33332222;subscriber=0;system-msg=15\\sraiders\\sfrom\\sTestChannel\\shave\\sjoined\\n!;tmi-sent-ts=1507246572675;turbo=1;user-id=123456;user-type= :tmi.twitch.tv USERNOTICE #othertestchannel';
    assert.equal(formatLine(parseLine(line)), line);
  });

  it('round-trips generated messages with arbitrary tag values and params', () => {
    const word = fc.stringMatching(/^[a-z0-9#._-]{1,8}$/);
    const arbitraryMessage = fc.record({
      tags: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.string({ unit: 'binary', maxLength: 12 }), { maxKeys: 5 }),
      prefix: fc.option(fc.record({ nick: word, user: fc.option(word), host: fc.option(word) }), { nil: null }),
      command: fc.constantFrom('PRIVMSG', 'USERNOTICE', 'NOTICE', '353', 'PING'),
      middle: fc.array(word, { maxLength: 3 }),
      last: fc.option(fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), { nil: null }),
    });
    fc.assert(
      fc.property(arbitraryMessage, ({ tags, prefix, command, middle, last }) => {
        // A nick that looks like a server name (has a dot, no user/host) is read back as a host: keep nicks dot-free then.
        if (prefix !== null && prefix.user === null && prefix.host === null && prefix.nick.includes('.')) return;
        const params = last === null ? middle : [...middle, last];
        const parsed = parseLine(formatLine({ tags, prefix, command, params }));
        assert.equal(parsed.malformed, false);
        assert.deepEqual({ ...parsed.tags }, Object.fromEntries(Object.entries(tags)));
        assert.deepEqual(parsed.prefix, prefix === null ? null : { ...prefix }); // fc.record gives null-prototype objects
        assert.equal(parsed.command, command);
        assert.deepEqual(parsed.params, params);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('formatLine: the trailing-param colon', () => {
  it('adds ":" only when the last param is empty, has a space or starts with ":"', () => {
    assert.equal(formatLine({ command: 'PRIVMSG', params: ['#a', 'word'] }), 'PRIVMSG #a word');
    assert.equal(formatLine({ command: 'PRIVMSG', params: ['#a', 'two words'] }), 'PRIVMSG #a :two words');
    assert.equal(formatLine({ command: 'PRIVMSG', params: ['#a', ''] }), 'PRIVMSG #a :');
    assert.equal(formatLine({ command: 'PRIVMSG', params: ['#a', ':)'] }), 'PRIVMSG #a ::)');
  });

  it('writes a tag with an empty value as key= (as Twitch does) and escapes the others', () => {
    assert.equal(formatLine({ tags: { a: '', b: 'x y;z' }, command: 'PING' }), '@a=;b=x\\sy\\:z PING');
  });

  it('writes a server prefix as its host', () => {
    assert.equal(formatLine({ prefix: { nick: null, user: null, host: 'tmi.twitch.tv' }, command: 'RECONNECT' }), ':tmi.twitch.tv RECONNECT');
  });
});
