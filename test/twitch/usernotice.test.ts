// USERNOTICE → typed notice, one real line per msg-id of test/fixtures/twitch-lines.txt (values read off the
// lines by hand), then constructed lines for the protocol doc §2.3 msg-ids that no real capture has.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../src/irc/parse.js';
import { parseEvent } from '../../src/twitch/map.js';
import type { UsernoticeEvent } from '../../src/twitch/events.js';
import { noticeKind } from '../../src/twitch/usernotice.js';
import { corpusLines } from '../irc/corpus.js';
import { chatUser, realEvent, realLine, withoutIrc } from './expect.js';

function notice(line: string): UsernoticeEvent {
  const event = parseEvent(line);
  assert.equal(event.type, 'usernotice');
  return event as UsernoticeEvent;
}

const real = (marker: string) => notice(realLine(marker));

const NO_SHARED = { shared: false, sourceId: null, sourceRoomId: null, sourceBadges: null, sourceBadgeInfo: null } as const;

describe('USERNOTICE sub / resub → subscription', () => {
  it('maps a Prime sub completely', () => {
    assert.deepEqual(realEvent('@badge-info=;badges=subscriber/0,premium/1;color=;display-name=FletcherCodes;emotes=;flags=;id=57cbe8d9'), {
      type: 'usernotice',
      channel: '#clippyassistant',
      roomId: '408892348',
      id: '57cbe8d9-8d17-4760-b1e7-0d888e1fdc60',
      tmiSentTs: 1551486064328,
      user: chatUser({
        userId: '269899575',
        login: 'fletchercodes',
        displayName: 'FletcherCodes',
        badges: 'subscriber/0,premium/1',
        turbo: false,
        mod: false,
        subscriber: true,
      }),
      msgId: 'sub',
      kind: 'subscription',
      params: {
        cumulative_months: 0,
        months: 0,
        streak_months: null,
        multimonth_duration: null,
        multimonth_tenure: null,
        should_share_streak: false,
        sub_plan_name: 'The Whatevas',
        sub_plan: 'Prime',
        was_gifted: null,
        gifter_id: null,
        gifter_login: null,
        gifter_name: null,
      },
      systemMsg: 'fletchercodes subscribed with Twitch Prime.',
      text: null,
      action: false,
      ...NO_SHARED,
    });
  });

  it('maps a resub of a gifted sub with its gifter and note', () => {
    const event = real('id=8670eeb3-9cf3-4d80-934a-34a0cdc52a76');
    assert.equal(event.msgId, 'resub');
    assert.equal(event.kind, 'subscription');
    assert.deepEqual(event.params, {
      cumulative_months: 3,
      months: 0,
      streak_months: 3,
      multimonth_duration: null,
      multimonth_tenure: null,
      should_share_streak: true,
      sub_plan_name: 'Channel Subscription (xqcow)',
      sub_plan: '1000',
      was_gifted: 'true',
      gifter_id: '125181523',
      gifter_login: 'alaynars',
      gifter_name: 'alaynars',
    });
    assert.equal(event.systemMsg, "poome subscribed at Tier 1. They've subscribed for 3 months, currently on a 3 month streak!");
    assert.equal(event.text, 'WELCOME TO THE JUNGLE Pog');
  });

  it('maps a resub whose note is a /me: text without the wrapper, action set', () => {
    const event = real('id=8c2918c2-adf4-4208-a554-8a72d016de70');
    assert.equal(event.action, true);
    assert.equal(event.text, 'Kappa TEST TEST Kappa :)');
    assert.equal(event.params['sub_plan_name'], 'look at those shitty emotes, rip $5 LUL');
    assert.equal(event.params['streak_months'], 23);
  });

  it('maps an old resub without a turbo tag', () => {
    const event = real('id=5dc14bb3-684b-4c04-8fbb-3c870958ac69');
    assert.equal(event.user.turbo, null);
    assert.equal(event.params['cumulative_months'], 5);
    assert.equal(event.params['sub_plan_name'], 'Channel Subscription (faker)');
    assert.equal(event.systemMsg, "kakarot127 subscribed at Tier 1. They've subscribed for 5 months!");
  });
});

describe('USERNOTICE gifts', () => {
  it('maps subgift', () => {
    const event = real('id=e21409b1-d25d-4a1a-b5cf-ef27d8b7030e');
    assert.equal(event.kind, 'subgift');
    assert.deepEqual(event.params, {
      community_gift_id: null,
      fun_string: null,
      gift_months: 1,
      months: 2,
      origin_id: 'da 39 a3 ee 5e 6b 4b 0d 32 55 bf ef 95 60 18 90 af d8 07 09',
      recipient_id: '236653628',
      recipient_display_name: 'qatarking24xd',
      recipient_user_name: 'qatarking24xd',
      sender_count: 0,
      sub_plan_name: 'Channel Subscription (xqcow)',
      sub_plan: '1000',
    });
    assert.equal(event.systemMsg, 'AdamAtReflectStudios gifted a Tier 1 sub to qatarking24xd!');
  });

  it('maps anonsubgift to the subgift kind', () => {
    const event = real('id=b1818e3c-0005-490f-ad0a-804957ddd760');
    assert.equal(event.msgId, 'anonsubgift');
    assert.equal(event.kind, 'subgift');
    assert.equal(event.params['months'], 3);
    assert.equal(event.params['recipient_user_name'], 'tenurecalculator');
    assert.equal(event.params['sub_plan_name'], 't111');
    assert.equal(event.systemMsg, 'An anonymous user gifted a Tier 1 sub to TenureCalculator! ');
  });

  it('maps submysterygift', () => {
    const event = real('id=049e6371-7023-4fca-8605-7dec60e72e12');
    assert.equal(event.kind, 'submysterygift');
    assert.deepEqual(event.params, {
      community_gift_id: null,
      contribution_type: null,
      current_contributions: null,
      target_contributions: null,
      user_contributions: null,
      mass_gift_count: 20,
      sender_count: 100,
      origin_id: '1f be bb 4a 81 9a 65 d1 4b 77 f5 23 16 4a d3 13 09 e7 be 55',
      sub_plan: '1000',
    });
  });

  it('maps anonsubmysterygift (edge-case corpus) to the submysterygift kind', () => {
    const line = corpusLines('edge-cases.txt').find((l) => l.includes('msg-id=anonsubmysterygift'))!;
    const event = notice(line);
    assert.equal(event.kind, 'submysterygift');
    assert.equal(event.params['mass_gift_count'], 15);
    assert.equal(event.params['sub_plan'], '2000');
    assert.equal(event.params['sender_count'], null);
  });

  it('maps giftpaidupgrade, anongiftpaidupgrade and primepaidupgrade to paidupgrade', () => {
    assert.deepEqual(real('id=7006f242-a45c-4e07-83b3-11f9c6d1ee28').params, {
      sender_login: 'stridezgum',
      sender_name: 'Stridezgum',
      sub_plan: null,
      promo_name: null,
      promo_gift_total: null,
    });
    const anon = real('id=144ee636-0c1d-404e-8b29-35449a045a7e');
    assert.equal(anon.kind, 'paidupgrade');
    assert.deepEqual(anon.params, { sender_login: null, sender_name: null, sub_plan: null, promo_name: null, promo_gift_total: null });
    const prime = real('id=a805a41d-99e5-4a5d-be80-a95ccefc9e73');
    assert.equal(prime.kind, 'paidupgrade');
    assert.equal(prime.params['sub_plan'], '1000');
  });

  it('maps standardpayforward and communitypayforward to payforward', () => {
    assert.deepEqual(real('id=f9f5c093-ebd3-447b-96f2-64fe94e19c9b').params, {
      prior_gifter_anonymous: 'false',
      prior_gifter_id: '444343916',
      prior_gifter_display_name: 'CoopaManTV',
      prior_gifter_user_name: 'coopamantv',
      recipient_id: '236981420',
      recipient_display_name: 'Just_Illustrationz',
      recipient_user_name: 'just_illustrationz',
    });
    assert.deepEqual(real('id=f28a7d4c-5d2a-4182-b9a3-2fbf82eb3883').params, {
      prior_gifter_anonymous: 'false',
      prior_gifter_id: '35087710',
      prior_gifter_display_name: 'pytori1',
      prior_gifter_user_name: 'pytori1',
      recipient_id: null,
      recipient_display_name: null,
      recipient_user_name: null,
    });
  });
});

describe('USERNOTICE raid, announcement, bits badge, milestone', () => {
  it('maps raid with the camelCase msg-params', () => {
    const event = real('id=bb99dda7-3736-4583-9114-52aa11b23d17');
    assert.equal(event.kind, 'raid');
    assert.deepEqual(event.params, {
      msg_param_displayName: 'iamelisabete',
      msg_param_login: 'iamelisabete',
      msg_param_profileImageURL: 'https://static-cdn.jtvnw.net/jtv_user_pictures/cae3ca63-510d-4715-b4ce-059dcf938978-profile_image-70x70.png',
      msg_param_viewerCount: '430',
    });
    assert.equal(event.systemMsg, '430 raiders from iamelisabete have joined!');
  });

  it('maps a raid in the source room of a Shared Chat session as a plain raid', () => {
    const event = real('id=8152af89-9351-40ae-9b9c-0069b2a139b5');
    assert.equal(event.msgId, 'raid');
    assert.equal(event.shared, false);
    assert.equal(event.sourceId, '8152af89-9351-40ae-9b9c-0069b2a139b5');
    assert.equal(event.params['msg_param_viewerCount'], '3');
  });

  it('maps announcement: color, the text in the trailing param, empty system-msg as null', () => {
    const event = real('id=9045a344-75b9-44fa-af49-c413bcb39559');
    assert.deepEqual(withoutIrc(event), {
      type: 'usernotice',
      channel: '#pajlada',
      roomId: '11148817',
      id: '9045a344-75b9-44fa-af49-c413bcb39559',
      tmiSentTs: 1780872797175,
      user: chatUser({
        userId: '40286300',
        login: 'randers',
        displayName: 'randers',
        color: '#19E6E6',
        badges: 'moderator/1,subscriber/72',
        badgeInfo: 'subscriber/88',
        userType: 'mod',
        mod: true,
        subscriber: true,
        vip: false,
      }),
      msgId: 'announcement',
      kind: 'announcement',
      params: { color: 'PRIMARY' },
      systemMsg: null,
      text: 'hello pajs pajaH Kappa Keepo',
      action: false,
      ...NO_SHARED,
    });
  });

  it('maps bitsbadgetier with its threshold as a number', () => {
    const event = real('id=d2b32a02-3071-4c52-b2ce-bc3716acdc44');
    assert.equal(event.kind, 'bitsbadgetier');
    assert.deepEqual(event.params, { msg_param_threshold: 1000 });
    assert.equal(event.systemMsg, 'bits badge tier notification');
  });

  it('maps viewermilestone: streak, category, reward; a Japanese name and note intact', () => {
    const event = real('id=86a3282b-2785-4f4a-a103-3e4fe19eb4d4');
    assert.equal(event.kind, 'viewermilestone');
    assert.deepEqual(event.params, { streak: 3, category: 'watch-streak', reward: 350 });
    assert.equal(event.user.displayName, 'まっりゆみ');
    assert.equal(event.text, 'ネメちゃんこんばんわ');
    assert.equal(event.systemMsg, 'まっりゆみ watched 3 consecutive streams this month and sparked a watch streak!');
  });
});

describe('USERNOTICE msg-ids without a table of their own → kind other, every tag kept', () => {
  const cases: [string, string, string, string][] = [
    ['id=37feed0f-b9c7-4c3a-b475-21c6c6d21c3d', 'ritual', 'msg-param-ritual-name', 'new_chatter'],
    ['id=7f1336e4-f84a-4510-809d-e57bf50af0cc', 'rewardgift', 'msg-param-trigger-type', 'SUBGIFT'],
    ['id=06e33f48-c728-4332-b4bc-b7eae6f59f3c', 'unraid', 'system-msg', 'The raid has been cancelled.'],
    ['id=3ced021d-adab-4278-845d-4c8f2c5d6306', 'primecommunitygiftreceived', 'msg-param-gift-name', 'World of Tanks: Care Package'],
    ['id=0ce7f53f-928a-4b71-abe5-e06ff53eb8fe', 'extendsub', 'msg-param-sub-benefit-end-month', '4'],
    ['id=8071df4a-29c7-4fe2-867e-7558a9e4efb0', 'midnightsquid', 'msg-param-emote-id', 'emotesv2_4c4b1157b8d34edba9bcb0aa8198197f'],
    ['id=d0aa66a5-c226-4521-bd74-7ca4b9d26aac', 'charitydonation', 'msg-param-charity-name', 'The Humane Society of the US'],
  ];
  for (const [marker, msgId, tag, value] of cases) {
    it(`maps ${msgId}`, () => {
      const event = real(marker);
      assert.equal(event.msgId, msgId);
      assert.equal(event.kind, 'other');
      assert.deepEqual(event.params, {});
      assert.equal(event.irc.tags[tag], value);
    });
  }

  it('keeps the ritual note as text', () => {
    assert.equal(real('id=37feed0f-b9c7-4c3a-b475-21c6c6d21c3d').text, 'HeyGuys');
  });

  it('maps an old USERNOTICE without any tags to msg-id null, kind other, with its text', () => {
    assert.deepEqual(realEvent(":tmi.twitch.tv USERNOTICE #drdisrespectlive :ooooo weee, it's a meeeee, Moweee!"), {
      type: 'usernotice',
      channel: '#drdisrespectlive',
      roomId: null,
      id: null,
      tmiSentTs: null,
      user: chatUser({}),
      msgId: null,
      kind: 'other',
      params: {},
      systemMsg: null,
      text: "ooooo weee, it's a meeeee, Moweee!",
      action: false,
      ...NO_SHARED,
    });
    assert.equal(real(':tmi.twitch.tv USERNOTICE #lirik').text, null);
  });
});

describe('USERNOTICE sharedchatnotice → typed by source-msg-id', () => {
  it('maps a shared subgift with the source room, id and badges', () => {
    const event = real('id=44975199-cdff-4e10-aa68-bd67e280660d');
    assert.equal(event.msgId, 'subgift');
    assert.equal(event.shared, true);
    assert.equal(event.kind, 'subgift');
    assert.equal(event.channel, '#camila');
    assert.equal(event.roomId, '469632185');
    assert.equal(event.sourceId, 'd3439028-575f-461e-9433-4bb9df3fe566');
    assert.equal(event.sourceRoomId, '110059426');
    assert.equal(event.sourceBadges, 'subscriber/0,sub-gift-leader/2');
    assert.equal(event.sourceBadgeInfo, 'subscriber/1');
    assert.deepEqual(event.params, {
      community_gift_id: '9333928271658164128',
      fun_string: null,
      gift_months: 1,
      months: 1,
      origin_id: '9333928271658164128',
      recipient_id: '29716641',
      recipient_display_name: 'wofulrumble',
      recipient_user_name: 'wofulrumble',
      sender_count: 0,
      sub_plan_name: 'Channel Subscription (hikarustation): $4.99 Sub',
      sub_plan: '1000',
    });
  });

  it('maps a shared resub with multimonth fields and its note', () => {
    const event = real('id=69dd5b2c-dcb6-46f5-baa1-26d042ec219b');
    assert.equal(event.msgId, 'resub');
    assert.equal(event.kind, 'subscription');
    assert.equal(event.text, 'Bao #1');
    assert.deepEqual(event.params, {
      cumulative_months: 2,
      months: 0,
      streak_months: null,
      multimonth_duration: 3,
      multimonth_tenure: 1,
      should_share_streak: false,
      sub_plan_name: 'Channel Subscription (hikarustation): $4.99 Sub',
      sub_plan: '1000',
      was_gifted: 'false',
      gifter_id: null,
      gifter_login: null,
      gifter_name: null,
    });
  });

  it('maps a shared submysterygift with the sub-goal fields', () => {
    const event = real('id=57f39065-91f5-492a-afd3-3ee86ccc3c6e');
    assert.equal(event.msgId, 'submysterygift');
    assert.deepEqual(event.params, {
      community_gift_id: '14320587522017408183',
      contribution_type: 'SUB_POINTS',
      current_contributions: 4184,
      target_contributions: 4400,
      user_contributions: 1,
      mass_gift_count: 1,
      sender_count: 1,
      origin_id: '14320587522017408183',
      sub_plan: '1000',
    });
  });

  it('maps a shared primepaidupgrade', () => {
    const event = real('id=ffe48ef9-80f4-4d58-9a7e-cf2982a6da85');
    assert.equal(event.msgId, 'primepaidupgrade');
    assert.equal(event.kind, 'paidupgrade');
    assert.equal(event.shared, true);
    assert.equal(event.sourceRoomId, '825937345');
  });

  it('maps a shared announcement (protocol doc §2.3 example, ids completed)', () => {
    const event = notice(
      '@badge-info=;badges=staff/1,raging-wolf-helm/1;color=#DAA520;display-name=lahoooo;emotes=;flags=;id=01cd601f-0000-4000-8000-000000000001;login=lahoooo;mod=0;msg-id=sharedchatnotice;msg-param-color=PRIMARY;room-id=11148817;source-badge-info=;source-badges=staff/1,moderator/1,bits-leader/1;source-id=4083dadc-0000-4000-8000-000000000002;source-msg-id=announcement;source-room-id=1025594235;subscriber=0;system-msg=;tmi-sent-ts=1726118378465;user-id=612865661;user-type=staff;vip=0 :tmi.twitch.tv USERNOTICE #pajlada :hi this is an announcement from 1',
    );
    assert.equal(event.msgId, 'announcement');
    assert.equal(event.shared, true);
    assert.deepEqual(event.params, { color: 'PRIMARY' });
    assert.equal(event.text, 'hi this is an announcement from 1');
    assert.equal(event.sourceBadges, 'staff/1,moderator/1,bits-leader/1');
    assert.equal(event.sourceBadgeInfo, null);
  });

  it('keeps msg-id sharedchatnotice with kind other when source-msg-id is missing', () => {
    const event = notice('@msg-id=sharedchatnotice;room-id=1 :tmi.twitch.tv USERNOTICE #c');
    assert.equal(event.msgId, 'sharedchatnotice');
    assert.equal(event.shared, true);
    assert.equal(event.kind, 'other');
  });
});

describe('USERNOTICE msg-ids of the protocol doc with no real capture (constructed lines)', () => {
  const base = '@badge-info=;badges=;color=;display-name=A;emotes=;id=c0;login=a;mod=0;room-id=1;subscriber=0;tmi-sent-ts=1;user-id=2;user-type=';
  it('maps onetapgiftredeemed to onetapgift', () => {
    const event = notice(`${base};msg-id=onetapgiftredeemed;msg-param-bits-spent=50;msg-param-gift-id=heart;msg-param-user-display-name=A :tmi.twitch.tv USERNOTICE #c`);
    assert.equal(event.kind, 'onetapgift');
    assert.deepEqual(event.params, { bits_spent: 50, gift_id: 'heart', user_display_name: 'A' });
  });

  it('maps modiversary and socialsharingbadge to other', () => {
    assert.equal(notice(`${base};msg-id=modiversary;msg-param-months=12 :tmi.twitch.tv USERNOTICE #c`).kind, 'other');
    assert.equal(notice(`${base};msg-id=socialsharingbadge :tmi.twitch.tv USERNOTICE #c`).kind, 'other');
  });

  it('maps a msg-id Twitch has not invented yet to other, with its tags', () => {
    const event = notice(`${base};msg-id=brand-new-thing;msg-param-x=1 :tmi.twitch.tv USERNOTICE #c :hi`);
    assert.equal(event.msgId, 'brand-new-thing');
    assert.equal(event.kind, 'other');
    assert.equal(event.irc.tags['msg-param-x'], '1');
    assert.equal(event.text, 'hi');
  });

  it('gives null for a month count that is not a number, not a guess', () => {
    const event = notice(`${base};msg-id=resub;msg-param-cumulative-months=ten;msg-param-should-share-streak=yes :tmi.twitch.tv USERNOTICE #c`);
    assert.equal(event.params['cumulative_months'], null);
    assert.equal(event.params['should_share_streak'], null);
  });

  it('does not take a msg-id named like an Object.prototype member for a kind', () => {
    assert.equal(noticeKind('constructor'), 'other');
    assert.equal(noticeKind('__proto__'), 'other');
    assert.equal(noticeKind('toString'), 'other');
  });
});

describe('USERNOTICE coverage of the corpus', () => {
  it('has a hand-checked expectation above for every msg-id in the real corpus', () => {
    const covered = new Set([
      'sub', 'resub', 'subgift', 'anonsubgift', 'submysterygift', 'giftpaidupgrade', 'anongiftpaidupgrade', 'primepaidupgrade',
      'standardpayforward', 'communitypayforward', 'raid', 'announcement', 'bitsbadgetier', 'viewermilestone', 'ritual',
      'rewardgift', 'unraid', 'primecommunitygiftreceived', 'extendsub', 'midnightsquid', 'charitydonation', 'sharedchatnotice',
    ]);
    const inCorpus = new Set<string>();
    for (const line of corpusLines('twitch-lines.txt')) {
      const m = parseLine(line);
      if (m.command === 'USERNOTICE' && m.tags['msg-id'] !== undefined) inCorpus.add(m.tags['msg-id']);
    }
    assert.deepEqual([...inCorpus].filter((id) => !covered.has(id)), []);
  });
});
