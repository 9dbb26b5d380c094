// Acceptance: every real line of test/fixtures/twitch-lines.txt lands in the right table with the right
// columns. The table of each line is worked out here from the line's text (command, msg-id), independently
// of map.ts and usernotice.ts; hand-checked rows (values read off the lines) cover one line of every kind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { corpusLines } from '../irc/corpus.js';
import { archivedLines, EVENT_TABLES, openTempStore, received, RECEIVED_MS, rowOf, rowsOf, type TempStore } from './helpers.js';

const LINES = corpusLines('twitch-lines.txt');

/** The value of a tag as written on the line (escaped), or null. */
function tag(line: string, name: string): string | null {
  if (!line.startsWith('@')) return null;
  const tags = line.slice(1, line.indexOf(' '));
  for (const pair of tags.split(';')) {
    const eq = pair.indexOf('=');
    if ((eq === -1 ? pair : pair.slice(0, eq)) === name) return eq === -1 ? '' : pair.slice(eq + 1);
  }
  return null;
}

function command(line: string): string {
  const words = line.split(' ');
  let i = 0;
  if (words[i]!.startsWith('@')) i++;
  if (words[i]!.startsWith(':')) i++;
  return words[i]!;
}

const NOTICE_TABLE: Readonly<Record<string, string>> = {
  sub: 'subscription', resub: 'subscription', subgift: 'subgift', anonsubgift: 'subgift', submysterygift: 'submysterygift',
  anonsubmysterygift: 'submysterygift', giftpaidupgrade: 'paidupgrade', anongiftpaidupgrade: 'paidupgrade', primepaidupgrade: 'paidupgrade',
  communitypayforward: 'payforward', standardpayforward: 'payforward', raid: 'raid', announcement: 'announcement',
  viewermilestone: 'viewermilestone', bitsbadgetier: 'bitsbadgetier', onetapgiftredeemed: 'onetapgift',
};

/** The event tables a line's row belongs in (empty: the raw archive only). */
function tablesOf(line: string): string[] {
  switch (command(line)) {
    case 'PRIVMSG':
      return tag(line, 'bits') ? ['privmsg', 'bits'] : ['privmsg'];
    case 'USERNOTICE': {
      const msgId = tag(line, 'msg-id') === 'sharedchatnotice' ? tag(line, 'source-msg-id') : tag(line, 'msg-id');
      return [NOTICE_TABLE[msgId ?? ''] ?? 'usernotice'];
    }
    case 'ROOMSTATE': return ['roomstate_change'];
    case 'JOIN': case 'PART': case '353': return ['userlist'];
    case 'CLEARCHAT': return ['clearchat'];
    case 'CLEARMSG': return ['clearmsg'];
    case 'NOTICE': return ['notice'];
    case 'WHISPER': return ['whisper'];
    default: return [];
  }
}

let t: TempStore;
/** Archive id of each corpus line, in file order. */
let rawIds: number[];

before(async () => {
  t = openTempStore('corpus');
  for (let i = 0; i < LINES.length; i += 100) await t.store.write(LINES.slice(i, i + 100).map((line) => received(line)));
  rawIds = [...t.store.raw.scan()].map((raw) => raw.id);
});
after(() => t.dispose());

function row(table: string, where: string, columns: string, ...params: unknown[]): Record<string, unknown> {
  return rowOf(t.store, `SELECT ${columns} FROM "${table}" WHERE ${where}`, ...params);
}

describe('every line of twitch-lines.txt', () => {
  it('is in the raw archive byte for byte, in order', () => {
    assert.deepEqual(archivedLines(t.store), LINES);
  });

  it('has its row in its table and in no other (a repeated message id only once)', () => {
    const rowsByTable = new Map<string, Map<number, number>>();
    for (const table of EVENT_TABLES) {
      const counts = new Map<number, number>();
      for (const { raw_id } of rowsOf(t.store, `SELECT raw_id FROM "${table}"`) as { raw_id: number }[]) counts.set(raw_id, (counts.get(raw_id) ?? 0) + 1);
      rowsByTable.set(table, counts);
    }
    const seenIds = new Set<string>();
    let checked = 0;
    LINES.forEach((line, i) => {
      const id = tag(line, 'id');
      const repeated = id !== null && ['PRIVMSG', 'USERNOTICE'].includes(command(line)) && seenIds.has(id);
      if (id !== null) seenIds.add(id);
      const expected = repeated ? [] : tablesOf(line);
      // A NAMES reply has a row per listed name.
      const perTable = command(line) === '353' ? line.slice(line.lastIndexOf(':') + 1).split(' ').length : 1;
      for (const table of EVENT_TABLES) {
        const n = rowsByTable.get(table)!.get(rawIds[i]!) ?? 0;
        assert.equal(n, expected.includes(table) ? perTable : 0, `${table} rows of line ${i}: ${line.slice(0, 160)}`);
      }
      if (expected.length > 0) checked++;
    });
    // 398 lines, less 49 of commands without an event table (USERSTATE, GLOBALUSERSTATE, HOSTTARGET, CAP, PING,
    // PONG, MODE, RECONNECT, numerics) and 3 repeated message ids.
    assert.equal(checked, 346);
  });

  it('has tmi_sent_ts from its tmi-sent-ts tag and received_ms on every event row', () => {
    for (const table of EVENT_TABLES) {
      const rows = rowsOf(t.store, `SELECT raw_id, timestamp, tmi_sent_ts, received_ms FROM "${table}"`) as { raw_id: number; timestamp: number; tmi_sent_ts: number | null; received_ms: number }[];
      const lines = t.store.raw.lines(rows.map((r) => r.raw_id));
      for (const r of rows) {
        const line = lines.get(r.raw_id)!.line;
        const sent = tag(line, 'tmi-sent-ts');
        const expected = sent === null ? null : Number(sent);
        assert.equal(r.tmi_sent_ts, expected, `${table} tmi_sent_ts of ${line.slice(0, 120)}`);
        assert.equal(r.received_ms, expected ?? RECEIVED_MS, `${table} received_ms`);
        assert.equal(r.timestamp, expected ?? RECEIVED_MS, `${table} timestamp`);
      }
    }
  });

  it('leaves no foreign key dangling', () => {
    assert.deepEqual(t.store.db.pragma('foreign_key_check'), []);
  });
});

describe('hand-checked rows', () => {
  it('PRIVMSG reply: the parent body unescaped, the author, the room', () => {
    assert.deepEqual(row('privmsg', "message_id = '6ff2d906-536f-4019-9611-cff930d449cb'",
      'timestamp, room_id, user_id, color, msg_content, action, bits, first_msg, returning_chatter, reply_user_id, reply_user_login, reply_display_name, reply_msg_id, reply_msg_body, thread_user_id, thread_msg_id'), {
      timestamp: 1597446673211, room_id: '32393428', user_id: '525941821', color: '#5F9EA0', msg_content: '@zenArc KEKW', action: 0, bits: null,
      first_msg: 0, returning_chatter: 0, reply_user_id: '50081302', reply_user_login: 'zenarc', reply_display_name: 'zenArc',
      reply_msg_id: '81b6262b-7ce3-4686-be4f-1f5c548c9d16', reply_msg_body: "she's gonna win 2truths and a lie everytime", thread_user_id: null, thread_msg_id: null,
    });
    assert.deepEqual(row('user', "user_id = '525941821'", 'login, display_name, user_type, turbo'), { login: 'thatgirllalison', display_name: 'thatgirllalison', user_type: '', turbo: 0 });
    assert.deepEqual(row('room', "room_id = '32393428'", 'room_name'), { room_name: '#sincerelylyn' });
    assert.deepEqual(row('user_in_room', "user_id = '525941821' AND room_id = '32393428'", 'badges, badge_info, subscriber, sub_streak, vip, mod, first_seen, timestamp'),
      { badges: 'subscriber/3', badge_info: 'subscriber/4', subscriber: 1, sub_streak: 4, vip: 0, mod: 0, first_seen: 1597446673211, timestamp: 1597446673211 });
  });

  it('PRIVMSG in a reply thread: the thread parent', () => {
    assert.deepEqual(row('privmsg', "message_id = 'f8039222-2069-434e-a37e-b5d955425028'", 'reply_msg_body, thread_user_id, thread_user_login, thread_msg_id, flags'), {
      reply_msg_body: "but I can't touch it", thread_user_id: '172563770', thread_user_login: 'tyranosaurusbrett', thread_msg_id: '7575d246-43f1-4128-80a5-cb092ae0610f', flags: '40-49:P.0',
    });
  });

  it('cheer: privmsg.bits and a bits row', () => {
    assert.deepEqual(row('privmsg', "message_id = 'eb42d3de-b579-4620-a0b2-31652212440a'", 'msg_content, bits, room_id, user_id'),
      { msg_content: 'Cheer70 ManChicken', bits: 70, room_id: '71092938', user_id: '75229542' });
    assert.deepEqual(row('bits', "message_id = 'eb42d3de-b579-4620-a0b2-31652212440a'", 'timestamp, room_id, user_id, source_room_id, bits'),
      { timestamp: 1568505618405, room_id: '71092938', user_id: '75229542', source_room_id: null, bits: 70 });
  });

  it('resub with a message', () => {
    assert.deepEqual(row('subscription', "msg_id = 'fda4d924-cde3-421d-8eea-713401194446'",
      'room_id, user_id, display_name, msg_type, cumulative_months, months, streak_months, should_share_streak, sub_plan_name, sub_plan, was_gifted, system_msg, msg_content'), {
      room_id: '41314239', user_id: '169613447', display_name: '5weatyNuts', msg_type: 'resub', cumulative_months: 15, months: 0, streak_months: null,
      should_share_streak: 0, sub_plan_name: 'Channel Subscription (dafrancsgo)', sub_plan: 'Prime', was_gifted: null,
      system_msg: "5weatyNuts subscribed with Twitch Prime. They've subscribed for 15 months!", msg_content: 'dafranPrime Clap',
    });
  });

  it('subgift', () => {
    assert.deepEqual(row('subgift', "msg_id = 'e21409b1-d25d-4a1a-b5cf-ef27d8b7030e'",
      'room_id, user_id, msg_type, community_gift_id, fun_string, gift_months, months, origin_id, recipient_id, recipient_display_name, recipient_user_name, sender_count, sub_plan_name, sub_plan, system_msg'), {
      room_id: '71092938', user_id: '211711554', msg_type: 'subgift', community_gift_id: null, fun_string: null, gift_months: 1, months: 2,
      origin_id: 'da 39 a3 ee 5e 6b 4b 0d 32 55 bf ef 95 60 18 90 af d8 07 09', recipient_id: '236653628', recipient_display_name: 'qatarking24xd',
      recipient_user_name: 'qatarking24xd', sender_count: 0, sub_plan_name: 'Channel Subscription (xqcow)', sub_plan: '1000',
      system_msg: 'AdamAtReflectStudios gifted a Tier 1 sub to qatarking24xd!',
    });
  });

  it('anonsubgift', () => {
    assert.deepEqual(row('subgift', "msg_id = 'b1818e3c-0005-490f-ad0a-804957ddd760'",
      'room_id, user_id, msg_type, gift_months, months, recipient_id, recipient_display_name, recipient_user_name, sender_count, sub_plan_name, system_msg'), {
      room_id: '196450059', user_id: '196450059', msg_type: 'anonsubgift', gift_months: null, months: 3, recipient_id: '135054130',
      recipient_display_name: 'TenureCalculator', recipient_user_name: 'tenurecalculator', sender_count: null, sub_plan_name: 't111',
      system_msg: 'An anonymous user gifted a Tier 1 sub to TenureCalculator! ',
    });
  });

  it('submysterygift', () => {
    assert.deepEqual(row('submysterygift', "msg_id = '049e6371-7023-4fca-8605-7dec60e72e12'",
      'user_id, msg_type, community_gift_id, contribution_type, mass_gift_count, sender_count, origin_id, sub_plan, system_msg'), {
      user_id: '211711554', msg_type: 'submysterygift', community_gift_id: null, contribution_type: null, mass_gift_count: 20, sender_count: 100,
      origin_id: '1f be bb 4a 81 9a 65 d1 4b 77 f5 23 16 4a d3 13 09 e7 be 55', sub_plan: '1000',
      system_msg: "AdamAtReflectStudios is gifting 20 Tier 1 Subs to xQcOW's community! They've gifted a total of 100 in the channel!",
    });
  });

  it('raid: an escaped newline in system-msg comes back as a newline', () => {
    assert.deepEqual(row('raid', "msg_id = '7a61cd41-f049-466b-9654-43e5bfc554aa'",
      'room_id, user_id, msg_param_displayName, msg_param_login, msg_param_profileImageURL, msg_param_viewerCount, system_msg'), {
      room_id: '269899575', user_id: '269899575', msg_param_displayName: 'FletcherCodes', msg_param_login: 'fletchercodes',
      msg_param_profileImageURL: 'https://static-cdn.jtvnw.net/jtv_user_pictures/herr_currywurst-profile_image-e6c037c9d321b955-70x70.jpeg',
      msg_param_viewerCount: '538', system_msg: '538 raiders from FletcherCodes have joined\n!',
    });
  });

  it('announcement: empty system-msg is null; the announcer is a moderator in user_in_room', () => {
    assert.deepEqual(row('announcement', "msg_id = '9045a344-75b9-44fa-af49-c413bcb39559'", 'timestamp, room_id, user_id, display_name, color, system_msg, msg_content'), {
      timestamp: 1780872797175, room_id: '11148817', user_id: '40286300', display_name: 'randers', color: 'PRIMARY', system_msg: null, msg_content: 'hello pajs pajaH Kappa Keepo',
    });
    assert.deepEqual(row('user_in_room', "user_id = '40286300' AND room_id = '11148817'", 'mod, subscriber'), { mod: 1, subscriber: 1 });
  });

  it('viewermilestone (non-ASCII names and text)', () => {
    assert.deepEqual(row('viewermilestone', "msg_id = '86a3282b-2785-4f4a-a103-3e4fe19eb4d4'", 'room_id, user_id, display_name, streak, category, reward, system_msg, msg_content'), {
      room_id: '883612928', user_id: '244695359', display_name: 'まっりゆみ', streak: 3, category: 'watch-streak', reward: 350,
      system_msg: 'まっりゆみ watched 3 consecutive streams this month and sparked a watch streak!', msg_content: 'ネメちゃんこんばんわ',
    });
    assert.deepEqual(row('room', "room_id = '883612928'", 'room_name'), { room_name: '#nemefy0929' });
  });

  it('standardpayforward', () => {
    assert.deepEqual(row('payforward', "msg_id = 'f9f5c093-ebd3-447b-96f2-64fe94e19c9b'",
      'room_id, user_id, msg_type, prior_gifter_anonymous, prior_gifter_id, prior_gifter_display_name, prior_gifter_user_name, recipient_id, recipient_display_name, recipient_user_name, system_msg'), {
      room_id: '32787655', user_id: '229842635', msg_type: 'standardpayforward', prior_gifter_anonymous: 'false', prior_gifter_id: '444343916',
      prior_gifter_display_name: 'CoopaManTV', prior_gifter_user_name: 'coopamantv', recipient_id: '236981420',
      recipient_display_name: 'Just_Illustrationz', recipient_user_name: 'just_illustrationz',
      system_msg: 'lil_bytch is paying forward the Gift they got from CoopaManTV to Just_Illustrationz!',
    });
  });

  it('giftpaidupgrade', () => {
    assert.deepEqual(row('paidupgrade', "msg_id = '7006f242-a45c-4e07-83b3-11f9c6d1ee28'", 'user_id, msg_type, sender_login, sender_name, sub_plan, system_msg'), {
      user_id: '86082877', msg_type: 'giftpaidupgrade', sender_login: 'stridezgum', sender_name: 'Stridezgum', sub_plan: null,
      system_msg: 'CrazyCrackAnimal is continuing the Gift Sub they got from Stridezgum!',
    });
  });

  it('bitsbadgetier', () => {
    assert.deepEqual(row('bitsbadgetier', "msg_id = '4ef6d438-dcfc-4435-b63e-730d5c400c10'", 'room_id, user_id, msg_param_threshold, system_msg, msg_content'),
      { room_id: '36769016', user_id: '457965105', msg_param_threshold: 1000, system_msg: 'bits badge tier notification', msg_content: 'GG' });
  });

  it('Shared Chat notice: stored as the kind of its source-msg-id, with the source message and room', () => {
    assert.deepEqual(row('subscription', "msg_id = '69dd5b2c-dcb6-46f5-baa1-26d042ec219b'",
      'room_id, msg_type, source_msg_id, source_room_id, cumulative_months, multimonth_duration, multimonth_tenure, was_gifted, msg_content'), {
      room_id: '469632185', msg_type: 'resub', source_msg_id: 'de71b5e6-7a84-4dd8-b748-821eb1d9ef3a', source_room_id: '110059426',
      cumulative_months: 2, multimonth_duration: 3, multimonth_tenure: 1, was_gifted: 'false', msg_content: 'Bao #1',
    });
  });

  it('ritual and unraid: the generic usernotice table with every tag as JSON', () => {
    const ritual = row('usernotice', "msg_id = '37feed0f-b9c7-4c3a-b475-21c6c6d21c3d'", 'room_id, user_id, display_name, msg_type, system_msg, msg_content, tags');
    const tags = JSON.parse(ritual['tags'] as string) as Record<string, string>;
    delete ritual['tags'];
    assert.deepEqual(ritual, { room_id: '6316121', user_id: '131260580', display_name: 'SevenTest1', msg_type: 'ritual', system_msg: 'Seventoes is new here!', msg_content: 'HeyGuys' });
    assert.equal(tags['msg-param-ritual-name'], 'new_chatter');
    assert.equal(tags['system-msg'], 'Seventoes is new here!');
    assert.equal(tags['emotes'], '30259:0-6');
    assert.equal(Object.keys(tags).length, 17);
    const unraid = row('usernotice', "msg_id = '06e33f48-c728-4332-b4bc-b7eae6f59f3c'", 'room_id, msg_type, system_msg, msg_content, tags');
    assert.equal(unraid['msg_type'], 'unraid');
    assert.equal(unraid['system_msg'], 'The raid has been cancelled.');
    assert.equal(unraid['msg_content'], null);
    assert.equal((JSON.parse(unraid['tags'] as string) as Record<string, string>)['login'], 'fletchercodes');
  });

  it('CLEARCHAT: timeout, ban and clear', () => {
    assert.deepEqual(rowsOf(t.store, "SELECT timestamp, room_id, target_user_id, target_login, ban_duration FROM clearchat WHERE room_id = '40286300' AND tmi_sent_ts IN (1563051113633, 1563051758128, 1563051778390) ORDER BY timestamp"), [
      { timestamp: 1563051113633, room_id: '40286300', target_user_id: '70948394', target_login: 'weeb123', ban_duration: 600 },
      { timestamp: 1563051758128, room_id: '40286300', target_user_id: '70948394', target_login: 'weeb123', ban_duration: null },
      { timestamp: 1563051778390, room_id: '40286300', target_user_id: null, target_login: null, ban_duration: null },
    ]);
  });

  it('CLEARMSG: an empty room-id resolves to the room id the channel was seen with', () => {
    assert.deepEqual(row('clearmsg', "target_msg_id = '3c92014f-340a-4dc3-a9c9-e5cf182f4a84'", 'timestamp, room_id, login, msg_content'),
      { timestamp: 1594561955611, room_id: '11148817', login: 'alazymeme', msg_content: 'NIGHT CUNT' });
  });

  it('ROOMSTATE: full states and partial updates add up to the final modes of the room', () => {
    assert.deepEqual(row('roomstate', "room_id = '40286300'", 'emote_only, followers_only, r9k, slow, subs_only'), { emote_only: 1, followers_only: 10, r9k: 1, slow: 5, subs_only: 1 });
    assert.deepEqual(rowsOf(t.store, "SELECT emote_only, followers_only, r9k, slow, subs_only FROM roomstate_change WHERE room_id = '40286300' ORDER BY serial LIMIT 4"), [
      { emote_only: 0, followers_only: -1, r9k: 0, slow: 0, subs_only: 0 },
      { emote_only: 0, followers_only: -1, r9k: 1, slow: 0, subs_only: 0 },
      { emote_only: null, followers_only: null, r9k: null, slow: null, subs_only: 1 },
      { emote_only: 1, followers_only: null, r9k: null, slow: null, subs_only: null },
    ]);
    // Tagless ROOMSTATEs of #schmoopiie (old lines without room-id) land on the id the channel was seen with.
    assert.deepEqual(row('roomstate', "room_id = '20624989'", 'emote_only, followers_only, r9k, slow, subs_only'), { emote_only: 0, followers_only: -1, r9k: 0, slow: 0, subs_only: 0 });
  });

  it('JOIN, PART and NAMES: userlist', () => {
    assert.deepEqual(rowsOf(t.store, "SELECT room_id, room_name, username, join_part, timestamp FROM userlist WHERE username IN ('receivertest3', 'justinfan12345') AND room_name IN ('#randers', '#pajlada') ORDER BY serial LIMIT 3"), [
      { room_id: '11148817', room_name: '#pajlada', username: 'justinfan12345', join_part: 'NAMES', timestamp: RECEIVED_MS },
      { room_id: '40286300', room_name: '#randers', username: 'receivertest3', join_part: 'JOIN', timestamp: RECEIVED_MS },
      { room_id: '40286300', room_name: '#randers', username: 'receivertest3', join_part: 'PART', timestamp: RECEIVED_MS },
    ]);
  });

  it('NOTICE: to a channel and to *', () => {
    assert.deepEqual(rowsOf(t.store, "SELECT room_id, room_name, msg_id, target_user_id, msg_content FROM notice WHERE msg_content IN ('You are permanently banned from talking in forsen.', 'Improperly formatted auth') ORDER BY serial"), [
      { room_id: '22484632', room_name: '#forsen', msg_id: 'msg_banned', target_user_id: null, msg_content: 'You are permanently banned from talking in forsen.' },
      { room_id: null, room_name: null, msg_id: null, target_user_id: null, msg_content: 'Improperly formatted auth' },
    ]);
  });

  it('WHISPER: with and without message-id and user-id', () => {
    assert.deepEqual(rowsOf(t.store, "SELECT room_id, user_id, message_id, thread_id, recipient, msg_content FROM whisper WHERE recipient IN ('randers', 'martinlarouche') ORDER BY serial"), [
      { room_id: null, user_id: '82008718', message_id: '2034', thread_id: '40286300_82008718', recipient: 'randers', msg_content: 'Riftey Kappa' },
      { room_id: null, user_id: '@schmoopiie', message_id: null, thread_id: null, recipient: 'martinlarouche', msg_content: 'Hello! ;-)' },
    ]);
    assert.deepEqual(row('user', "user_id = '@schmoopiie'", 'login, display_name, turbo'), { login: 'schmoopiie', display_name: 'Schmoopiie', turbo: 1 });
  });
});

describe('after the edge cases and the xqcow log too', () => {
  it('no foreign key dangles', async () => {
    for (const file of ['edge-cases.txt', 'xqcow-2019-09-15.log']) {
      const lines = corpusLines(file);
      for (let i = 0; i < lines.length; i += 1000) await t.store.write(lines.slice(i, i + 1000).map((line) => received(line)));
    }
    assert.deepEqual(t.store.db.pragma('foreign_key_check'), []);
  });
});
