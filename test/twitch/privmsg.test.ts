// PRIVMSG lines of test/fixtures/twitch-lines.txt → typed events. Every expected value was read off the
// line by hand (lines are found by their unique `id` tag).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../src/irc/parse.js';
import { parseEvent } from '../../src/twitch/map.js';
import type { PrivmsgEvent } from '../../src/twitch/events.js';
import { chatUser, realEvent, realLine, withoutIrc } from './expect.js';

/** A PRIVMSG event's fields as absent tags leave them. */
const NOTHING = {
  type: 'privmsg',
  action: false,
  bits: null,
  msgType: null,
  firstMsg: null,
  returningChatter: null,
  animationId: null,
  customRewardId: null,
  sourceId: null,
  sourceRoomId: null,
  sourceOnly: null,
  sourceBadges: null,
  sourceBadgeInfo: null,
  reply: null,
  thread: null,
} as const;

function privmsg(marker: string): PrivmsgEvent {
  const event = parseEvent(realLine(marker));
  assert.equal(event.type, 'privmsg');
  return event as PrivmsgEvent;
}

describe('PRIVMSG (real lines)', () => {
  it('maps a reply: every tag, and the event with its reply parent', () => {
    const line = realLine('id=5b4f63a9-776f-4fce-bf3c-d9707f52e32d');
    assert.deepEqual({ ...parseLine(line).tags }, {
      'badge-info': '',
      badges: '',
      'client-nonce': 'cd56193132f934ac71b4d5ac488d4bd6',
      color: '',
      'display-name': 'LeftSwing',
      emotes: '',
      'first-msg': '0',
      flags: '',
      id: '5b4f63a9-776f-4fce-bf3c-d9707f52e32d',
      mod: '0',
      'reply-parent-display-name': 'Retoon',
      'reply-parent-msg-body': 'hello',
      'reply-parent-msg-id': '6b13e51b-7ecb-43b5-ba5b-2bb5288df696',
      'reply-parent-user-id': '37940952',
      'reply-parent-user-login': 'retoon',
      'returning-chatter': '0',
      'room-id': '37940952',
      subscriber: '0',
      'tmi-sent-ts': '1673925983585',
      turbo: '0',
      'user-id': '133651738',
      'user-type': '',
    });
    assert.deepEqual(realEvent('id=5b4f63a9-776f-4fce-bf3c-d9707f52e32d'), {
      ...NOTHING,
      channel: '#retoon',
      roomId: '37940952',
      id: '5b4f63a9-776f-4fce-bf3c-d9707f52e32d',
      tmiSentTs: 1673925983585,
      user: chatUser({ userId: '133651738', login: 'leftswing', displayName: 'LeftSwing', turbo: false, mod: false, subscriber: false }),
      text: '@Retoon yes',
      firstMsg: false,
      returningChatter: false,
      reply: { msgId: '6b13e51b-7ecb-43b5-ba5b-2bb5288df696', userId: '37940952', login: 'retoon', displayName: 'Retoon', body: 'hello' },
    });
  });

  it('unescapes the reply parent body (\\s) of a real reply', () => {
    assert.equal(privmsg('id=6ff2d906-536f-4019-9611-cff930d449cb').reply?.body, "she's gonna win 2truths and a lie everytime");
  });

  it('maps the thread parent, with user id and display name when Twitch sends them', () => {
    const event = privmsg('id=f8039222-2069-434e-a37e-b5d955425028');
    assert.deepEqual(event.thread, { msgId: '7575d246-43f1-4128-80a5-cb092ae0610f', userId: '172563770', login: 'tyranosaurusbrett', displayName: 'TyranosaurusBrett' });
    assert.deepEqual(event.reply, {
      msgId: '7575d246-43f1-4128-80a5-cb092ae0610f',
      userId: '172563770',
      login: 'tyranosaurusbrett',
      displayName: 'TyranosaurusBrett',
      body: "but I can't touch it",
    });
  });

  it('maps a thread parent given by msg id and login only', () => {
    assert.deepEqual(privmsg('id=bb439115-71b1-4aa5-820d-8180adf69625').thread, {
      msgId: '9859b5a0-4b05-4053-979a-9965bafd5707',
      userId: null,
      login: 'garvickian',
      displayName: null,
    });
  });

  it('maps bits as a number', () => {
    assert.equal(privmsg('id=d7f03a35-f339-41ca-b4d4-7c0721438570').bits, 1);
    assert.equal(privmsg('id=405c4ccb-7d69-4a57-ac16-292e72ba288b').bits, 5000);
    assert.equal(privmsg('id=eb42d3de-b579-4620-a0b2-31652212440a').bits, 70);
    assert.equal(privmsg('id=d437ff32-2c98-4c86-b404-85c577e7a63d').bits, 100);
  });

  it('maps an anonymous cheer', () => {
    assert.deepEqual(realEvent('id=1685dc57-a390-446c-b885-4bdf39c307b9'), {
      ...NOTHING,
      channel: '#hidingkun',
      roomId: '231070929',
      id: '1685dc57-a390-446c-b885-4bdf39c307b9',
      tmiSentTs: 1597533872078,
      user: chatUser({
        userId: '407665396',
        login: 'ananonymouscheerer',
        displayName: 'AnAnonymousCheerer',
        color: '#8A2BE2',
        badges: 'anonymous-cheerer/1',
        turbo: false,
        mod: false,
        subscriber: false,
      }),
      text: 'Anon100',
      bits: 100,
    });
  });

  it('maps a channel-points redemption with text (custom-reward-id), from a line without badges', () => {
    const event = privmsg('id=702b9546-f0fe-41cb-b35b-fba5f8315909');
    assert.equal(event.customRewardId, '27c8e486-a386-40cc-9a4b-dbb5cf01e439');
    assert.equal(event.user.badges, null);
    assert.equal(event.user.mod, true);
    assert.equal(event.user.userType, 'mod');
    assert.equal(event.channel, '#channel');
    assert.equal(event.text, 'lol');
  });

  it('maps a VIP (vip=1 and the vip badge) redeeming a reward', () => {
    assert.deepEqual(realEvent('id=c46f5ea8-bbba-499d-a10f-96463d2955c1'), {
      ...NOTHING,
      channel: '#eloonstra',
      roomId: '75704631',
      id: 'c46f5ea8-bbba-499d-a10f-96463d2955c1',
      tmiSentTs: 1674085692645,
      user: chatUser({
        userId: '465396358',
        login: 'eloonstra',
        displayName: 'eloonstra',
        color: '#FF69B4',
        badges: 'vip/1,bits/100',
        turbo: false,
        mod: false,
        subscriber: false,
        vip: true,
      }),
      text: 'boing',
      firstMsg: false,
      returningChatter: false,
      customRewardId: 'ea98be77-c54e-49cd-bc52-d8290cf12ad8',
    });
  });

  it('reads empty msg-id= and custom-reward-id= as absent', () => {
    const event = privmsg('id=ea4fae82-d0af-42c1-9990-eff1e40d0816');
    assert.equal(event.msgType, null);
    assert.equal(event.customRewardId, null);
    assert.equal(event.text, 'Zyori is more and more prettier day by day wtff');
  });

  it('maps every PRIVMSG msg-id of the corpus', () => {
    const cases: [string, string][] = [
      ['id=da38bdb9-2d50-4961-8da3-ca2737132773', 'skip-subs-mode-message'],
      ['id=3da15282-3268-402e-8fc7-d736d7093077', 'highlighted-message'],
      ['id=cfad3699-6d3b-4bbd-8e58-0f1561778b22', 'crowd-chant'],
      ['id=03c13cd4-225c-4f0c-b85c-6c3a74446f31', 'user-intro'],
      ['id=dfea51e0-1176-45a9-b8ac-2afc259fa520', 'gigantified-emote-message'],
      ['id=08cbbd34-835d-4ae0-8b4d-ed5624ab7567', 'animated-message'],
    ];
    for (const [marker, msgType] of cases) assert.equal(privmsg(marker).msgType, msgType, marker);
  });

  it('maps a first message (user-intro, first-msg=1)', () => {
    const event = privmsg('id=03c13cd4-225c-4f0c-b85c-6c3a74446f31');
    assert.equal(event.firstMsg, true);
    assert.equal(event.returningChatter, false);
    assert.equal(event.text, 'yo this is much coller with actual music');
  });

  it('maps the animation of an animated message', () => {
    assert.equal(privmsg('id=08cbbd34-835d-4ae0-8b4d-ed5624ab7567').animationId, 'simmer');
    assert.equal(privmsg('id=5737bf6c-7d94-4647-9c65-dd2ccddd6cdb').animationId, 'cosmic-abyss');
  });

  it('maps a Shared Chat copy delivered to another room (source-*)', () => {
    assert.deepEqual(realEvent('id=fa9da65d-86da-429f-90f1-467a6ac332df'), {
      ...NOTHING,
      channel: '#vampireblazewing',
      roomId: '39656772',
      id: 'fa9da65d-86da-429f-90f1-467a6ac332df',
      tmiSentTs: 1762536730215,
      user: chatUser({
        userId: '488149571',
        login: 'eternalwerecat22',
        displayName: 'Eternalwerecat22',
        color: '#00FF7F',
        badges: 'moderator/1',
        userType: 'mod',
        turbo: false,
        mod: true,
        subscriber: false,
      }),
      text: 'Video game things',
      sourceId: '614e293b-46c8-4f6f-9e35-f53f64254472',
      sourceRoomId: '655533779',
      sourceOnly: false,
      sourceBadges: 'subscriber/3',
      sourceBadgeInfo: 'subscriber/5',
    });
  });

  it('maps a Shared Chat message in its source room (source-id = id, no source-only tag)', () => {
    const event = privmsg('id=e3d9088c-d4f1-4db4-b92c-020af4cc45a0;');
    assert.equal(event.sourceId, 'e3d9088c-d4f1-4db4-b92c-020af4cc45a0');
    assert.equal(event.sourceRoomId, '469632185');
    assert.equal(event.roomId, '469632185');
    assert.equal(event.sourceOnly, null);
    assert.equal(event.sourceBadges, 'subscriber/3012,bits/400000');
  });

  it('strips the /me wrapper and marks the message as an action', () => {
    const event = privmsg('id=0c46c822-f668-4427-b19a-a1a0780a44ae');
    assert.equal(event.action, true);
    assert.equal(event.text, '-tags Kappa 123 Keepo');
  });

  it('keeps a /me text that starts with a colon', () => {
    const event = privmsg('id=3a6cf319-4422-4411-8b72-a71ca35dafab');
    assert.equal(event.action, true);
    assert.ok(event.text.startsWith(': Feel free to join my discord! https://discord.gg/xqc'), event.text);
    assert.ok(!event.text.includes('\x01'));
  });

  it('maps a pre-2019 line without badge-info (old lines lack tags; they become nulls)', () => {
    const event = privmsg('id=405c4ccb-7d69-4a57-ac16-292e72ba288b');
    assert.equal(event.user.badgeInfo, null);
    assert.equal(event.user.badges, 'bits/5000');
    assert.equal(event.text, "showlove5000 Chew your food slower... it's healthier");
  });

  it('keeps an astral-plane text exactly (👉, U+E0000)', () => {
    assert.equal(privmsg('id=3695cb46-f70a-4d6f-a71b-159d434c45b5').text, '👉 <3 👉 <3 👉 <3');
    assert.equal(privmsg('id=1ec936d3-7853-4113-9984-664ac5c42694').text, '\u{E0000}-tags pajaW_/3.0');
  });
});

describe('PRIVMSG (edge cases)', () => {
  it('recognises an empty /me (\\x01ACTION\\x01) and one without the closing \\x01', () => {
    const empty = parseEvent(':a!a@a.tmi.twitch.tv PRIVMSG #c :\x01ACTION\x01') as PrivmsgEvent;
    assert.equal(empty.action, true);
    assert.equal(empty.text, '');
    const open = parseEvent(':a!a@a.tmi.twitch.tv PRIVMSG #c :\x01ACTION waves') as PrivmsgEvent;
    assert.equal(open.action, true);
    assert.equal(open.text, 'waves');
  });

  it('does not take \\x01ACTIONS… or a bare ACTION for a /me', () => {
    const glued = parseEvent(':a!a@a.tmi.twitch.tv PRIVMSG #c :\x01ACTIONS x\x01') as PrivmsgEvent;
    assert.equal(glued.action, false);
    assert.equal(glued.text, '\x01ACTIONS x\x01');
    const bare = parseEvent(':a!a@a.tmi.twitch.tv PRIVMSG #c :ACTION x') as PrivmsgEvent;
    assert.equal(bare.action, false);
  });

  it('takes the text of a PRIVMSG whose last param has no colon (PRIVMSG #pajlada shared9Dog)', () => {
    const event = parseEvent('@id=x :a!a@a.tmi.twitch.tv PRIVMSG #pajlada shared9Dog') as PrivmsgEvent;
    assert.equal(event.text, 'shared9Dog');
    assert.equal(event.channel, '#pajlada');
  });

  it('names no channel for a PRIVMSG to a user (the malformed jtv host notice)', () => {
    const event = parseEvent(':jtv!jtv@jtv.tmi.twitch.tv PRIVMSG stuck_overflow :pajlada is now hosting you.') as PrivmsgEvent;
    assert.equal(event.type, 'privmsg');
    assert.equal(event.channel, null);
    assert.equal(event.user.login, 'jtv');
  });

  it('gives nulls for a PRIVMSG without tags, text or channel', () => {
    assert.deepEqual(withoutIrc(parseEvent('PRIVMSG')), {
      ...NOTHING,
      channel: null,
      roomId: null,
      id: null,
      tmiSentTs: null,
      user: chatUser({}),
      text: '',
    });
  });

  it('never reads a tag as a boolean or number unless it is one (no "every 1 is true")', () => {
    const event = parseEvent('@bits=12abc;mod=yes;subscriber=1;turbo=;first-msg=2;returning-chatter=true;tmi-sent-ts=1e3 :a!a@a PRIVMSG #c :x') as PrivmsgEvent;
    assert.equal(event.bits, null);
    assert.equal(event.user.mod, null);
    assert.equal(event.user.subscriber, true);
    assert.equal(event.user.turbo, null);
    assert.equal(event.firstMsg, null);
    assert.equal(event.returningChatter, true);
    assert.equal(event.tmiSentTs, null);
  });

  it('reads vip=0 as not a VIP and a vip badge without the tag as a VIP', () => {
    assert.equal((parseEvent('@vip=0;badges=vip/1 :a!a@a PRIVMSG #c :x') as PrivmsgEvent).user.vip, false);
    assert.equal((parseEvent('@badges=subscriber/3,vip/1 :a!a@a PRIVMSG #c :x') as PrivmsgEvent).user.vip, true);
    assert.equal((parseEvent('@badges=notvip/1 :a!a@a PRIVMSG #c :x') as PrivmsgEvent).user.vip, false);
  });

  it('lower-cases the channel and prefers the login tag over the prefix nick', () => {
    const event = parseEvent('@login=real :Shown!x@y PRIVMSG #MiXeD :x') as PrivmsgEvent;
    assert.equal(event.channel, '#mixed');
    assert.equal(event.user.login, 'real');
  });

  it('does not round bits past 2^53', () => {
    assert.equal((parseEvent('@bits=9007199254740993 :a!a@a PRIVMSG #c :x') as PrivmsgEvent).bits, null);
    assert.equal((parseEvent('@bits=9007199254740991 :a!a@a PRIVMSG #c :x') as PrivmsgEvent).bits, 9007199254740991);
  });
});
