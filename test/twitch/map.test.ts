// Every command of the protocol doc → its typed event, from real lines of test/fixtures/twitch-lines.txt
// (values read off the lines by hand), plus the fallbacks: unknown commands, missing tags, malformed lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLine } from '../../src/irc/parse.js';
import { lowerCase, normalizeChannel, parseEvent, toEvent } from '../../src/twitch/map.js';
import { corpusLines } from '../irc/corpus.js';
import type { RoomModes, RoomstateEvent } from '../../src/twitch/events.js';
import { chatUser, realEvent, realLine, withoutIrc } from './expect.js';

const NO_BASE = { channel: null, roomId: null, id: null, tmiSentTs: null } as const;

function modesOf(marker: string): RoomModes {
  const event = parseEvent(realLine(marker));
  assert.equal(event.type, 'roomstate');
  return (event as RoomstateEvent).modes;
}

describe('CLEARCHAT', () => {
  it('maps a timeout: login, user id, duration in seconds, every tag', () => {
    const line = realLine('@ban-duration=600;room-id=40286300;target-user-id=70948394;tmi-sent-ts=1563051113633');
    assert.deepEqual({ ...parseLine(line).tags }, { 'ban-duration': '600', 'room-id': '40286300', 'target-user-id': '70948394', 'tmi-sent-ts': '1563051113633' });
    assert.deepEqual(withoutIrc(parseEvent(line)), {
      type: 'clearchat',
      channel: '#randers',
      roomId: '40286300',
      id: null,
      tmiSentTs: 1563051113633,
      targetLogin: 'weeb123',
      targetUserId: '70948394',
      banDuration: 600,
    });
  });

  it('maps a permanent ban (no ban-duration)', () => {
    assert.deepEqual(realEvent('tmi-sent-ts=1563051758128'), {
      type: 'clearchat',
      channel: '#randers',
      roomId: '40286300',
      id: null,
      tmiSentTs: 1563051758128,
      targetLogin: 'weeb123',
      targetUserId: '70948394',
      banDuration: null,
    });
  });

  it('maps a whole-chat clear, with tags and without', () => {
    assert.deepEqual(realEvent('tmi-sent-ts=1563051778390'), {
      type: 'clearchat',
      channel: '#randers',
      roomId: '40286300',
      id: null,
      tmiSentTs: 1563051778390,
      targetLogin: null,
      targetUserId: null,
      banDuration: null,
    });
    assert.deepEqual(realEvent(':tmi.twitch.tv CLEARCHAT #schmoopiie'), { type: 'clearchat', ...NO_BASE, channel: '#schmoopiie', targetLogin: null, targetUserId: null, banDuration: null });
  });

  it('maps an old timeout with the removed ban-reason tag (kept in the tags)', () => {
    const line = realLine('ban-reason=testing\\sxd');
    assert.equal(parseLine(line).tags['ban-reason'], 'testing xd');
    assert.deepEqual(withoutIrc(parseEvent(line)), {
      type: 'clearchat',
      channel: '#pajlada',
      roomId: '11148817',
      id: null,
      tmiSentTs: null,
      targetLogin: 'ampzyh',
      targetUserId: '40910607',
      banDuration: 1,
    });
  });
});

describe('CLEARMSG', () => {
  it('maps a deleted message: login, target id, text; empty room-id= is null', () => {
    assert.deepEqual(realEvent('target-msg-id=3c92014f-340a-4dc3-a9c9-e5cf182f4a84'), {
      type: 'clearmsg',
      channel: '#pajlada',
      roomId: null,
      id: null,
      tmiSentTs: 1594561955611,
      login: 'alazymeme',
      targetMsgId: '3c92014f-340a-4dc3-a9c9-e5cf182f4a84',
      text: 'NIGHT CUNT',
    });
  });

  it('keeps the real negative tmi-sent-ts quirk as the number Twitch sent', () => {
    const event = realEvent('target-msg-id=e8a4dcfe-9db3-43eb-98d4-b5101ba6a20e');
    assert.equal(event.tmiSentTs, -6795364578871);
    assert.equal(event.type === 'clearmsg' && event.text, 'this is retarded');
  });

  it('keeps the deleted text of a /me exactly as sent, \\x01 included', () => {
    const event = realEvent('target-msg-id=15e5164d-f8e6-4aec-baf4-2d6a330760c4');
    assert.equal(event.type === 'clearmsg' && event.text, '\x01ACTION test\x01');
  });
});

describe('ROOMSTATE', () => {
  it('maps a full state on join: all modes typed', () => {
    assert.deepEqual(realEvent('@emote-only=0;followers-only=5;r9k=0;rituals=0;room-id=11148817;slow=0;subs-only=0'), {
      type: 'roomstate',
      channel: '#pajlada',
      roomId: '11148817',
      id: null,
      tmiSentTs: null,
      modes: { emote_only: false, followers_only: 5, r9k: false, slow: 0, subs_only: false },
    });
  });

  it('maps followers-only off as -1 and every mode on', () => {
    assert.deepEqual(modesOf('@emote-only=0;followers-only=-1;r9k=1;rituals=0;room-id=40286300'), {
      emote_only: false,
      followers_only: -1,
      r9k: true,
      slow: 0,
      subs_only: false,
    });
    assert.deepEqual(modesOf('@emote-only=1;followers-only=10;r9k=1;rituals=0;room-id=40286300;slow=5;subs-only=1'), {
      emote_only: true,
      followers_only: 10,
      r9k: true,
      slow: 5,
      subs_only: true,
    });
  });

  it('maps a partial update: modes not on the line are null, not "off"', () => {
    assert.deepEqual(realEvent('@room-id=40286300;subs-only=1 '), {
      type: 'roomstate',
      channel: '#randers',
      roomId: '40286300',
      id: null,
      tmiSentTs: null,
      modes: { emote_only: null, followers_only: null, r9k: null, slow: null, subs_only: true },
    });
    assert.deepEqual(modesOf('@followers-only=10;room-id=408892348 '), { emote_only: null, followers_only: 10, r9k: null, slow: null, subs_only: null });
  });

  it('maps an old partial update without room-id (@slow=8)', () => {
    assert.deepEqual(realEvent('@slow=8 '), {
      type: 'roomstate',
      channel: '#schmoopiie',
      roomId: null,
      id: null,
      tmiSentTs: null,
      modes: { emote_only: null, followers_only: null, r9k: null, slow: 8, subs_only: null },
    });
  });

  it('maps a ROOMSTATE without tags to all-null modes', () => {
    assert.deepEqual(realEvent(':tmi.twitch.tv ROOMSTATE #zorael'), {
      type: 'roomstate',
      ...NO_BASE,
      channel: '#zorael',
      modes: { emote_only: null, followers_only: null, r9k: null, slow: null, subs_only: null },
    });
  });
});

describe('USERSTATE and GLOBALUSERSTATE', () => {
  it('maps USERSTATE: our badges, mod state and emote sets in the channel', () => {
    assert.deepEqual(realEvent('emote-sets=0,75c09c7b-332a-43ec-8be8-1d4571706155'), {
      type: 'userstate',
      channel: '#randers',
      roomId: null,
      id: null,
      tmiSentTs: null,
      user: chatUser({ displayName: 'TESTUSER', color: '#8A2BE2', badges: 'moderator/1', userType: 'mod', mod: true, subscriber: false }),
      emoteSets: '0,75c09c7b-332a-43ec-8be8-1d4571706155',
    });
  });

  it('maps a USERSTATE without tags', () => {
    assert.deepEqual(realEvent(':tmi.twitch.tv USERSTATE #zorael'), { type: 'userstate', ...NO_BASE, channel: '#zorael', user: chatUser({}), emoteSets: null });
  });

  it('maps GLOBALUSERSTATE: user id, no channel', () => {
    assert.deepEqual(realEvent('display-name=receivertest3;emote-sets=0;user-id=422021310'), {
      type: 'globaluserstate',
      ...NO_BASE,
      user: chatUser({ userId: '422021310', displayName: 'receivertest3' }),
      emoteSets: '0',
    });
  });

  it('maps an old GLOBALUSERSTATE without badges or user-id', () => {
    assert.deepEqual(realEvent('@color=#1E90FF;display-name=Schmoopiie;emote-sets=0;turbo=0;user-type= '), {
      type: 'globaluserstate',
      ...NO_BASE,
      user: chatUser({ displayName: 'Schmoopiie', color: '#1E90FF', turbo: false }),
      emoteSets: '0',
    });
  });
});

describe('NOTICE', () => {
  it('maps msg-id and text', () => {
    assert.deepEqual(realEvent('@msg-id=msg_banned '), {
      type: 'notice',
      ...NO_BASE,
      channel: '#forsen',
      msgId: 'msg_banned',
      targetUserId: null,
      text: 'You are permanently banned from talking in forsen.',
    });
  });

  it('maps the login failure NOTICE * without a channel', () => {
    assert.deepEqual(realEvent('NOTICE * :Login authentication failed'), {
      type: 'notice',
      ...NO_BASE,
      msgId: null,
      targetUserId: null,
      text: 'Login authentication failed',
    });
  });

  it('maps every NOTICE of the corpus to a notice with its msg-id tag', () => {
    const notices = corpusLines('twitch-lines.txt').filter((line) => parseLine(line).command === 'NOTICE');
    assert.equal(notices.length, 59);
    for (const line of notices) {
      const event = parseEvent(line);
      assert.equal(event.type, 'notice', line);
      assert.equal(event.type === 'notice' && event.msgId, parseLine(line).tags['msg-id'] ?? null, line);
    }
  });
});

describe('WHISPER', () => {
  it('maps sender, recipient, thread, message-id; no channel', () => {
    assert.deepEqual(realEvent('message-id=2034;thread-id=40286300_82008718'), {
      type: 'whisper',
      ...NO_BASE,
      id: '2034',
      user: chatUser({ userId: '82008718', login: 'pajbot', displayName: 'pajbot', color: '#2E8B57', userType: null, turbo: false }),
      recipient: 'randers',
      threadId: '40286300_82008718',
      text: 'Riftey Kappa',
    });
  });

  it('maps an old WHISPER without user-id or message-id', () => {
    const event = realEvent('WHISPER martinlarouche');
    assert.equal(event.type, 'whisper');
    assert.equal(event.id, null);
    assert.equal(event.type === 'whisper' && event.user.userId, null);
    assert.equal(event.type === 'whisper' && event.user.login, 'schmoopiie');
    assert.equal(event.type === 'whisper' && event.user.turbo, true);
    assert.equal(event.type === 'whisper' && event.text, 'Hello! ;-)');
  });
});

describe('HOSTTARGET (legacy)', () => {
  it('maps a host with a viewer count', () => {
    assert.deepEqual(realEvent('HOSTTARGET #schmoopiie :schmoopiie 3'), { type: 'hosttarget', ...NO_BASE, channel: '#schmoopiie', target: 'schmoopiie', viewers: 3 });
    assert.deepEqual(realEvent('HOSTTARGET #randers :redshell 0'), { type: 'hosttarget', ...NO_BASE, channel: '#randers', target: 'redshell', viewers: 0 });
  });

  it('maps an unhost (-) to a null target', () => {
    assert.deepEqual(realEvent('HOSTTARGET #local7000 :- 0'), { type: 'hosttarget', ...NO_BASE, channel: '#local7000', target: null, viewers: 0 });
  });

  it('gives a null viewer count for "-" and for a missing one', () => {
    assert.deepEqual(withoutIrc(parseEvent(':tmi.twitch.tv HOSTTARGET #randers :leebaxd -')), { type: 'hosttarget', ...NO_BASE, channel: '#randers', target: 'leebaxd', viewers: null });
    assert.deepEqual(withoutIrc(parseEvent(':tmi.twitch.tv HOSTTARGET #randers')), { type: 'hosttarget', ...NO_BASE, channel: '#randers', target: null, viewers: null });
  });
});

describe('membership and names', () => {
  it('maps JOIN and PART with the login from the prefix', () => {
    assert.deepEqual(realEvent(':receivertest3!receivertest3@receivertest3.tmi.twitch.tv JOIN #randers'), { type: 'join', ...NO_BASE, channel: '#randers', login: 'receivertest3' });
    assert.deepEqual(realEvent(':s1faka!s1faka@s1faka.tmi.twitch.tv PART #arunero9029'), { type: 'part', ...NO_BASE, channel: '#arunero9029', login: 's1faka' });
  });

  it('maps a JOIN from a server prefix to a null login', () => {
    assert.deepEqual(withoutIrc(parseEvent(':tmi.twitch.tv JOIN #pajlada')), { type: 'join', ...NO_BASE, channel: '#pajlada', login: null });
  });

  it('maps 353 to the names list with the channel from its third param', () => {
    assert.deepEqual(realEvent(':justinfan12345.tmi.twitch.tv 353 justinfan12345 = #pajlada :justinfan12345'), { type: 'names', ...NO_BASE, channel: '#pajlada', names: ['justinfan12345'] });
    assert.deepEqual(withoutIrc(parseEvent(':a.tmi.twitch.tv 353 a = #c :x  y z')), { type: 'names', ...NO_BASE, channel: '#c', names: ['x', 'y', 'z'] });
  });

  it('maps 366 to endofnames with the channel from its second param', () => {
    assert.deepEqual(realEvent(':justinfan12345.tmi.twitch.tv 366 justinfan12345 #pajlada :End of /NAMES list'), { type: 'endofnames', ...NO_BASE, channel: '#pajlada' });
  });
});

describe('connection-level commands', () => {
  it('maps RECONNECT, PING, PONG and CAP', () => {
    assert.deepEqual(realEvent(':tmi.twitch.tv RECONNECT'), { type: 'reconnect', ...NO_BASE });
    assert.deepEqual(realEvent('PING :tmi.twitch.tv'), { type: 'ping', ...NO_BASE });
    assert.deepEqual(realEvent(':tmi.twitch.tv PONG tmi.twitch.tv :argument test'), { type: 'pong', ...NO_BASE });
    assert.deepEqual(realEvent(':tmi.twitch.tv CAP * NAK :twitch.tv/tags'), { type: 'cap', ...NO_BASE });
  });

  it('keeps the PING and PONG arguments in the IRC params (what a PONG must echo)', () => {
    assert.deepEqual(parseEvent(realLine('PING :tmi.twitch.tv')).irc.params, ['tmi.twitch.tv']);
    assert.deepEqual(parseEvent(realLine(':tmi.twitch.tv PONG tmi.twitch.tv :argument test')).irc.params, ['tmi.twitch.tv', 'argument test']);
  });

  it('maps the numerics 001, 004, 376 and 421 to numeric events without a channel', () => {
    for (const marker of [':tmi.twitch.tv 001 justinfan12345 ', ':tmi.twitch.tv 004 kameloso', ':tmi.twitch.tv 376 schmoopiie', ':tmi.twitch.tv 421 kamelosobot']) {
      assert.deepEqual(realEvent(marker), { type: 'numeric', ...NO_BASE }, marker);
    }
  });
});

describe('fallbacks: nothing is dropped, nothing throws', () => {
  it('maps a legacy MODE line to unknown, keeping its channel and raw line', () => {
    const line = realLine(':jtv MODE #schmoopiie +o schmoopiie');
    const event = parseEvent(line);
    assert.deepEqual(withoutIrc(event), { type: 'unknown', ...NO_BASE, channel: '#schmoopiie' });
    assert.equal(event.irc.raw, line);
  });

  it('maps an unknown command with tags to unknown, with its tags and base fields', () => {
    const event = parseEvent('@id=x1;room-id=5;tmi-sent-ts=7 :tmi.twitch.tv FOO #chan :bar');
    assert.deepEqual(withoutIrc(event), { type: 'unknown', channel: '#chan', roomId: '5', id: 'x1', tmiSentTs: 7 });
    assert.deepEqual(event.irc.params, ['#chan', 'bar']);
  });

  it('maps an unknown three-letter command to unknown, not numeric', () => {
    assert.equal(parseEvent(':tmi.twitch.tv ABC').type, 'unknown');
  });

  it('maps a malformed line to malformed with the raw text', () => {
    const event = parseEvent('@key=value :tmi.twitch.tv P1NG');
    assert.equal(event.type, 'malformed');
    assert.equal(event.irc.raw, '@key=value :tmi.twitch.tv P1NG');
    assert.equal(parseEvent('').type, 'malformed');
  });

  it('does not take a command named like an Object.prototype member for a known one', () => {
    for (const command of ['CONSTRUCTOR', 'TOSTRING', 'HASOWNPROPERTY', 'VALUEOF']) {
      assert.equal(toEvent(parseLine(`:a ${command} #c :x`)).type, 'unknown', command);
    }
  });

  it('maps every known command with no params and no tags without throwing', () => {
    for (const command of ['PRIVMSG', 'USERNOTICE', 'CLEARCHAT', 'CLEARMSG', 'ROOMSTATE', 'USERSTATE', 'GLOBALUSERSTATE', 'NOTICE', 'WHISPER', 'HOSTTARGET', 'JOIN', 'PART', '353', '366', 'RECONNECT', 'PING', 'PONG', 'CAP']) {
      const event = parseEvent(command);
      assert.notEqual(event.type, 'unknown', command);
      assert.equal(event.channel, null, command);
    }
  });
});

describe('the whole real corpus', () => {
  it('gives each command the event type of the table, with the counts sed/awk find in the file', () => {
    // Counted with sed/awk over test/fixtures/twitch-lines.txt (first word after the tags and prefix).
    const expected: Record<string, [string, number]> = {
      PRIVMSG: ['privmsg', 91], USERNOTICE: ['usernotice', 81], CLEARCHAT: ['clearchat', 74], NOTICE: ['notice', 59],
      ROOMSTATE: ['roomstate', 17], GLOBALUSERSTATE: ['globaluserstate', 12], USERSTATE: ['userstate', 11], JOIN: ['join', 8],
      WHISPER: ['whisper', 7], PART: ['part', 6], HOSTTARGET: ['hosttarget', 6], PONG: ['pong', 5], CLEARMSG: ['clearmsg', 5],
      CAP: ['cap', 5], MODE: ['unknown', 2], '001': ['numeric', 2], RECONNECT: ['reconnect', 1], PING: ['ping', 1],
      '421': ['numeric', 1], '376': ['numeric', 1], '366': ['endofnames', 1], '353': ['names', 1], '004': ['numeric', 1],
    };
    const counts: Record<string, number> = {};
    for (const line of corpusLines('twitch-lines.txt')) {
      const event = parseEvent(line);
      const command = event.irc.command;
      assert.ok(Object.hasOwn(expected, command), `unexpected command ${command}`);
      assert.equal(event.type, expected[command]![0], line);
      counts[command] = (counts[command] ?? 0) + 1;
    }
    assert.deepEqual(counts, Object.fromEntries(Object.entries(expected).map(([command, [, n]]) => [command, n])));
  });
});

describe('normalizeChannel', () => {
  it('lower-cases and adds a missing #; empty and * are no channel', () => {
    assert.equal(normalizeChannel('#PajLada'), '#pajlada');
    assert.equal(normalizeChannel('forsen'), '#forsen');
    assert.equal(normalizeChannel(''), null);
    assert.equal(normalizeChannel('*'), null);
    assert.equal(normalizeChannel(undefined), null);
  });

  it('lower-cases exactly as toLowerCase does, capitals and non-ASCII included', () => {
    for (const name of ['forsen', 'PajLada', 'ÄÖÜ', 'İstanbul', 'ΣΑΣ', 'a_b9', 'ZZ', '']) assert.equal(lowerCase(name), name.toLowerCase(), name);
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => lowerCase(name) === name.toLowerCase()));
  });

  it('gives the nick in lower case when a line has no login tag', () => {
    const event = parseEvent(':SomeNick!somenick@somenick.tmi.twitch.tv PRIVMSG #Chan :hi');
    assert.equal(event.channel, '#chan');
    assert.equal(event.type === 'privmsg' && event.user.login, 'somenick');
  });
});
