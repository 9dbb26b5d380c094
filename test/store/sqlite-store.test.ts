// SqliteStore.write on real files: the seed's data-loss bugs stay fixed (user_in_room, NOT NULL, foreign
// keys, partial ROOMSTATE, room names), writes are idempotent by message id, a failed batch leaves nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { corpusLines, lineWith } from '../irc/corpus.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { LINES_PER_BLOCK_MAX } from '../../src/store/sqlite/raw-archive.js';
import { count, openTempStore, received, RECEIVED_MS, rowOf, rowsOf, type TempStore } from './helpers.js';

const REAL = corpusLines('twitch-lines.txt');

function chat(options: { id: string; userId: string; login: string; roomId?: string; channel?: string; ts: number; badges?: string; badgeInfo?: string; mod?: 0 | 1; text?: string }): string {
  const { id, userId, login, roomId = '1001', channel = 'chan', ts, badges = '', badgeInfo = '', mod = 0, text = 'hello' } = options;
  return `@badge-info=${badgeInfo};badges=${badges};color=;display-name=${login};emotes=;flags=;id=${id};mod=${mod};room-id=${roomId};subscriber=0;tmi-sent-ts=${ts};turbo=0;user-id=${userId};user-type= :${login}!${login}@${login}.tmi.twitch.tv PRIVMSG #${channel} :${text}`;
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('idempotence by message id', () => {
  let t: TempStore;
  before(() => (t = openTempStore('idempotent')));
  after(() => t.dispose());

  it('stores the same batch written twice once, and counts the second time as duplicates', async () => {
    const batch = [
      chat({ id: uuid(1), userId: '2001', login: 'alice', ts: 1_600_000_000_000 }),
      lineWith(REAL, 'id=5dc14bb3-684b-4c04-8fbb-3c870958ac69'),
      lineWith(REAL, 'target-msg-id=3c92014f-340a-4dc3-a9c9-e5cf182f4a84'),
      lineWith(REAL, 'WHISPER randers :Riftey Kappa'),
      lineWith(REAL, 'id=d7f03a35-f339-41ca-b4d4-7c0721438570'),
    ].map((line) => received(line));
    const first = await t.store.write(batch);
    const second = await t.store.write(batch);
    assert.deepEqual(first.rows, { raw: 5, privmsg: 2, bits: 1, subscription: 1, clearmsg: 1, whisper: 1 });
    assert.equal(first.duplicates, 0);
    assert.equal(second.duplicates, 4, 'privmsg x2, resub, whisper (CLEARMSG has no id of its own)');
    assert.deepEqual(second.rows, { raw: 5 }, 'only the raw archive grows: it keeps every received line');
    for (const [table, n] of Object.entries({ privmsg: 2, bits: 1, subscription: 1, clearmsg: 1, whisper: 1 })) assert.equal(count(t.store, table), n, table);
  });

  it('keeps whispers of different threads that share a per-thread message-id', async () => {
    const whispers = REAL.filter((line) => line.includes(';message-id=1;'));
    assert.equal(whispers.length, 2);
    await t.store.write(whispers.map((line) => received(line)));
    assert.equal(count(t.store, 'whisper', "message_id = '1'"), 2);
  });
});

describe('a keyed write asked again', () => {
  let t: TempStore;
  before(() => (t = openTempStore('write-key')));
  after(() => t.dispose());

  it('is not written twice and answers with its first result; a later or an older key of the same writer is written', async () => {
    const lines = [':a!a@a.tmi.twitch.tv JOIN #chan', chat({ id: uuid(900), userId: '9', login: 'nine', ts: 1_600_000_000_000 })];
    const times = [RECEIVED_MS, RECEIVED_MS];
    const first = await t.store.writeLines(lines, times, { writer: 'w1', seq: 1 });
    assert.deepEqual(await t.store.writeLines(lines, times, { writer: 'w1', seq: 1 }), first);
    assert.equal(count(t.store, 'userlist'), 1);
    assert.equal((t.store.db.prepare('SELECT sum(count) AS n FROM raw_block').get() as { n: number }).n, 2);
    await t.store.writeLines(lines, times, { writer: 'w1', seq: 2 });
    await t.store.writeLines(lines, times, { writer: 'w2', seq: 1 });
    assert.equal(count(t.store, 'userlist'), 3, 'a new key is a new write (the JOIN has no id to de-duplicate by)');
    // Only the last write of a writer is known: an older key is written again rather than taken as stored.
    await t.store.writeLines(lines, times, { writer: 'w1', seq: 1 });
    assert.equal(count(t.store, 'userlist'), 4);
  });
});

describe('user_in_room', () => {
  let t: TempStore;
  before(() => (t = openTempStore('user-in-room')));
  after(() => t.dispose());
  const second = 1_600_000_000_000;

  it('gets one row per user for many users chatting in the same second (the seed keyed it on the second)', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => chat({ id: uuid(100 + i), userId: String(3000 + i), login: `user${i}`, ts: second + i * 10 }));
    await t.store.write(lines.map((line) => received(line)));
    assert.equal(count(t.store, 'user_in_room', "room_id = '1001'"), 50);
    assert.equal(count(t.store, 'privmsg'), 50);
  });

  it('keeps one row per (user, room) with the latest badges and the first and last time seen', async () => {
    const alice = { userId: '2001', login: 'alice' };
    await t.store.write([received(chat({ ...alice, id: uuid(200), ts: second, badges: 'subscriber/3', badgeInfo: 'subscriber/5' }))]);
    await t.store.write([received(chat({ ...alice, id: uuid(201), ts: second + 120_000, badges: 'moderator/1,subscriber/6', badgeInfo: 'subscriber/7', mod: 1 }))]);
    await t.store.write([received(chat({ ...alice, id: uuid(202), roomId: '1002', channel: 'other', ts: second + 130_000, badges: 'vip/1' }))]);
    // An older line imported later moves first_seen back but must not bring back the old badges.
    await t.store.write([received(chat({ ...alice, id: uuid(203), ts: second - 60_000, badges: 'premium/1', badgeInfo: '' }))]);
    assert.deepEqual(rowsOf(t.store, "SELECT * FROM user_in_room WHERE user_id = '2001' ORDER BY room_id"), [
      { user_id: '2001', room_id: '1001', badges: 'moderator/1,subscriber/6', badge_info: 'subscriber/7', subscriber: 0, sub_streak: 7, vip: 0, mod: 1, first_seen: second - 60_000, timestamp: second + 120_000 },
      { user_id: '2001', room_id: '1002', badges: 'vip/1', badge_info: '', subscriber: 0, sub_streak: 0, vip: 1, mod: 0, first_seen: second + 130_000, timestamp: second + 130_000 },
    ]);
  });
});

describe('user and user_in_room rows of a chatty user', () => {
  let t: TempStore;
  before(() => (t = openTempStore('user-cache')));
  after(() => t.dispose());
  const second = 1_600_000_000_000;
  const bob = { userId: '4001', login: 'bob' };
  const roomRow = () => rowOf(t.store, "SELECT badges, badge_info, sub_streak, mod, timestamp FROM user_in_room WHERE user_id = '4001'");

  it('are written again within the last-seen resolution only when what they hold changed', async () => {
    await t.store.write([received(chat({ ...bob, id: uuid(300), ts: second, badges: 'subscriber/3', badgeInfo: 'subscriber/5' }))]);
    await t.store.write([received(chat({ ...bob, id: uuid(301), ts: second + 1_000, badges: 'subscriber/3', badgeInfo: 'subscriber/5' }))]);
    assert.deepEqual(roomRow(), { badges: 'subscriber/3', badge_info: 'subscriber/5', sub_streak: 5, mod: 0, timestamp: second }, 'unchanged: last seen stays at the resolution');
    await t.store.write([received(chat({ ...bob, id: uuid(302), ts: second + 2_000, badges: 'subscriber/3', badgeInfo: 'subscriber/6' }))]);
    assert.deepEqual(roomRow(), { badges: 'subscriber/3', badge_info: 'subscriber/6', sub_streak: 6, mod: 0, timestamp: second + 2_000 });
    await t.store.write([received(chat({ ...bob, id: uuid(303), ts: second + 3_000, badges: 'subscriber/3', badgeInfo: 'subscriber/6', mod: 1 }))]);
    assert.deepEqual(roomRow(), { badges: 'subscriber/3', badge_info: 'subscriber/6', sub_streak: 6, mod: 1, timestamp: second + 3_000 });
    await t.store.write([received(chat({ ...bob, login: 'bobby', id: uuid(304), ts: second + 4_000, badges: 'subscriber/3', badgeInfo: 'subscriber/6', mod: 1 }))]);
    assert.deepEqual(rowOf(t.store, "SELECT login, display_name FROM user WHERE user_id = '4001'"), { login: 'bobby', display_name: 'bobby' });
  });
});

describe('lines the seed rejected or lost', () => {
  let t: TempStore;
  before(() => (t = openTempStore('old-lines')));
  after(() => t.dispose());

  it('stores a resub without msg-param-was-gifted (was_gifted stays null)', async () => {
    await t.store.write([received(lineWith(REAL, 'id=5dc14bb3-684b-4c04-8fbb-3c870958ac69'))]);
    assert.deepEqual(rowOf(t.store, "SELECT msg_type, was_gifted, cumulative_months, sub_plan FROM subscription WHERE msg_id = '5dc14bb3-684b-4c04-8fbb-3c870958ac69'"),
      { msg_type: 'resub', was_gifted: null, cumulative_months: 5, sub_plan: '1000' });
  });

  it('stores a submysterygift without msg-param-community-gift-id', async () => {
    await t.store.write([received(lineWith(REAL, 'id=049e6371-7023-4fca-8605-7dec60e72e12'))]);
    assert.deepEqual(rowOf(t.store, "SELECT community_gift_id, mass_gift_count FROM submysterygift WHERE msg_id = '049e6371-7023-4fca-8605-7dec60e72e12'"),
      { community_gift_id: null, mass_gift_count: 20 });
  });

  it('stores a pay-forward whose prior gifter is unknown (anonymous)', async () => {
    const line = lineWith(REAL, 'id=f28a7d4c-5d2a-4182-b9a3-2fbf82eb3883')
      .replace('msg-param-prior-gifter-anonymous=false;msg-param-prior-gifter-display-name=pytori1;msg-param-prior-gifter-id=35087710;msg-param-prior-gifter-user-name=pytori1;', 'msg-param-prior-gifter-anonymous=true;');
    assert.ok(!line.includes('prior-gifter-id'));
    await t.store.write([received(line)]);
    assert.deepEqual(rowOf(t.store, "SELECT msg_type, prior_gifter_anonymous, prior_gifter_id, prior_gifter_user_name FROM payforward WHERE msg_id = 'f28a7d4c-5d2a-4182-b9a3-2fbf82eb3883'"),
      { msg_type: 'communitypayforward', prior_gifter_anonymous: 'true', prior_gifter_id: null, prior_gifter_user_name: null });
  });

  it('stores a raid without system-msg', async () => {
    const line = lineWith(REAL, 'id=bb99dda7-3736-4583-9114-52aa11b23d17').replace('system-msg=430\\sraiders\\sfrom\\siamelisabete\\shave\\sjoined!;', '');
    assert.ok(!line.includes('system-msg'));
    await t.store.write([received(line)]);
    assert.deepEqual(rowOf(t.store, "SELECT system_msg, msg_param_viewerCount FROM raid WHERE msg_id = 'bb99dda7-3736-4583-9114-52aa11b23d17'"),
      { system_msg: null, msg_param_viewerCount: '430' });
  });

  it('stores tagless lines of old logs under stand-in room and user ids, and never merges two of them', async () => {
    const line = ':OldTimer!oldtimer@oldtimer.tmi.twitch.tv PRIVMSG #OldChan :hello from 2014';
    await t.store.write([received(line, RECEIVED_MS), received(line, RECEIVED_MS)]);
    assert.deepEqual(rowsOf(t.store, "SELECT timestamp, tmi_sent_ts, received_ms, room_id, user_id, message_id, msg_content FROM privmsg WHERE room_id = '#oldchan'"), [
      { timestamp: RECEIVED_MS, tmi_sent_ts: null, received_ms: RECEIVED_MS, room_id: '#oldchan', user_id: '@oldtimer', message_id: null, msg_content: 'hello from 2014' },
      { timestamp: RECEIVED_MS, tmi_sent_ts: null, received_ms: RECEIVED_MS, room_id: '#oldchan', user_id: '@oldtimer', message_id: null, msg_content: 'hello from 2014' },
    ]);
    assert.deepEqual(rowOf(t.store, "SELECT room_name FROM room WHERE room_id = '#oldchan'"), { room_name: '#oldchan' });
    assert.deepEqual(rowOf(t.store, "SELECT login FROM user WHERE user_id = '@oldtimer'"), { login: 'oldtimer' });
  });

  it('stores lines that carry a room-id but name no channel, with no foreign-key failure', async () => {
    const lines = [
      '@room-id=5005;tmi-sent-ts=1600000000001 :tmi.twitch.tv CLEARCHAT',
      '@id=' + uuid(300) + ';room-id=5005;tmi-sent-ts=1600000000002;user-id=6006 :someone!someone@someone.tmi.twitch.tv PRIVMSG someoneelse :hi',
      '@room-id=5005;slow=5 :tmi.twitch.tv ROOMSTATE',
      '@id=' + uuid(301) + ';login=someone;msg-id=sub;room-id=5005;tmi-sent-ts=1600000000003;user-id=6006 :tmi.twitch.tv USERNOTICE',
      '@room-id=5005 :tmi.twitch.tv NOTICE * :hello',
    ];
    const result = await t.store.write(lines.map((line) => received(line)));
    assert.deepEqual(result.rows, { raw: 5, clearchat: 1, privmsg: 1, roomstate_change: 1, subscription: 1, notice: 1 });
    assert.deepEqual(rowOf(t.store, "SELECT room_name FROM room WHERE room_id = '5005'"), { room_name: '#UNKNOWN' });
    await t.store.write([received(chat({ id: uuid(302), userId: '6006', login: 'someone', roomId: '5005', channel: 'NamedLater', ts: 1_600_000_000_004 }))]);
    await t.store.write([received('@room-id=5005;slow=10 :tmi.twitch.tv ROOMSTATE')]);
    assert.deepEqual(rowOf(t.store, "SELECT room_name FROM room WHERE room_id = '5005'"), { room_name: '#namedlater' }, 'named by the first line with a channel, never blanked again');
    assert.deepEqual(t.store.db.pragma('foreign_key_check'), []);
  });
});

describe('rooms', () => {
  let t: TempStore;
  before(() => (t = openTempStore('rooms')));
  after(() => t.dispose());

  it('applies a partial ROOMSTATE to the given modes only, and keeps every ROOMSTATE in roomstate_change', async () => {
    const full = '@emote-only=0;followers-only=10;r9k=1;rituals=0;room-id=40286300;slow=0;subs-only=1;tmi-sent-ts=1600000000000 :tmi.twitch.tv ROOMSTATE #randers';
    await t.store.write([received(full)]);
    await t.store.write([received('@room-id=40286300;slow=5 :tmi.twitch.tv ROOMSTATE #randers', 1_600_000_100_000)]);
    assert.deepEqual(rowOf(t.store, "SELECT * FROM roomstate WHERE room_id = '40286300'"),
      { timestamp: 1_600_000_100_000, room_id: '40286300', emote_only: 0, followers_only: 10, r9k: 1, slow: 5, subs_only: 1 });
    assert.deepEqual(rowsOf(t.store, "SELECT emote_only, followers_only, r9k, slow, subs_only FROM roomstate_change WHERE room_id = '40286300' ORDER BY serial"), [
      { emote_only: 0, followers_only: 10, r9k: 1, slow: 0, subs_only: 1 },
      { emote_only: null, followers_only: null, r9k: null, slow: 5, subs_only: null },
    ]);
  });

  it('starts a room first seen in a partial ROOMSTATE from the defaults (modes off)', async () => {
    await t.store.write([received('@room-id=777;subs-only=1 :tmi.twitch.tv ROOMSTATE #newroom')]);
    assert.deepEqual(rowOf(t.store, "SELECT emote_only, followers_only, r9k, slow, subs_only FROM roomstate WHERE room_id = '777'"),
      { emote_only: 0, followers_only: -1, r9k: 0, slow: 0, subs_only: 1 });
  });

  it("names a room '#' + lower-case login whichever line type created it", async () => {
    const creators = [
      '@room-id=901;slow=0 :tmi.twitch.tv ROOMSTATE #MixedCase',
      '@room-id=902;target-user-id=1;tmi-sent-ts=1 :tmi.twitch.tv CLEARCHAT #MixedCase2 :someone',
      chat({ id: uuid(400), userId: '1', login: 'a', roomId: '903', channel: 'MixedCase3', ts: 2 }),
      '@id=' + uuid(401) + ';login=a;msg-id=ritual;room-id=904;tmi-sent-ts=3;user-id=1 :tmi.twitch.tv USERNOTICE #MIXEDCASE4',
      '@login=a;room-id=905;target-msg-id=' + uuid(402) + ';tmi-sent-ts=4 :tmi.twitch.tv CLEARMSG #mixedCase5 :x',
      '@msg-id=slow_on;room-id=906 :tmi.twitch.tv NOTICE #MixedCase6 :This room is now in slow mode.',
    ];
    for (const line of creators) await t.store.write([received(line)]);
    assert.deepEqual(rowsOf(t.store, "SELECT room_id, room_name FROM room WHERE room_id BETWEEN '901' AND '906' ORDER BY room_id"), [
      { room_id: '901', room_name: '#mixedcase' },
      { room_id: '902', room_name: '#mixedcase2' },
      { room_id: '903', room_name: '#mixedcase3' },
      { room_id: '904', room_name: '#mixedcase4' },
      { room_id: '905', room_name: '#mixedcase5' },
      { room_id: '906', room_name: '#mixedcase6' },
    ]);
  });
});

describe('a batch that fails', () => {
  let t: TempStore;
  before(() => (t = openTempStore('rollback')));
  after(() => t.dispose());

  it('leaves no row behind, and the next batch still writes the users and rooms it references', async () => {
    t.store.db.exec("CREATE TEMP TRIGGER refuse_notice BEFORE INSERT ON main.notice BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    const message = received(chat({ id: uuid(500), userId: '7007', login: 'bob', roomId: '8008', channel: 'bobroom', ts: 1_600_000_000_000 }));
    await assert.rejects(t.store.write([message, received('@msg-id=slow_on;room-id=8008 :tmi.twitch.tv NOTICE #bobroom :slow')]), /disk says no/);
    for (const table of ['privmsg', 'user', 'room', 'user_in_room', 'raw_block']) assert.equal(count(t.store, table), 0, table);
    t.store.db.exec('DROP TRIGGER refuse_notice');
    await t.store.write([message]);
    assert.equal(count(t.store, 'privmsg'), 1);
    assert.equal(count(t.store, 'user', "user_id = '7007'"), 1);
    assert.equal(count(t.store, 'room', "room_id = '8008'"), 1);
    assert.equal(count(t.store, 'user_in_room'), 1);
  });
});

describe('a batch larger than one raw block that fails in its second block', () => {
  let t: TempStore;
  before(() => (t = openTempStore('split-rollback')));
  after(() => t.dispose());

  it('leaves nothing of its first block either, so writing it again stores every line once', async () => {
    const lines = Array.from({ length: LINES_PER_BLOCK_MAX + 10 }, (_, i) => received(':tmi.twitch.tv PONG tmi.twitch.tv :' + i));
    t.store.db.exec("CREATE TEMP TRIGGER refuse_second_block BEFORE INSERT ON main.raw_block WHEN NEW.count = 10 BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    await assert.rejects(t.store.write(lines), /disk says no/);
    assert.equal(count(t.store, 'raw_block'), 0, 'the first block is not committed on its own');
    t.store.db.exec('DROP TRIGGER refuse_second_block');
    await t.store.write(lines); // the BatchWriter's retry: the whole batch again
    const archived = t.store.db.prepare('SELECT sum(count) AS n FROM raw_block').get() as { n: number };
    assert.equal(archived.n, lines.length);
  });
});

describe('full-text search index', () => {
  it('is maintained by default and skipped with search: false', async () => {
    const line = chat({ id: uuid(600), userId: '1', login: 'a', ts: 1, text: 'saltmine searchable words' });
    const match = "SELECT rowid FROM privmsg_fts WHERE privmsg_fts MATCH 'searchable'";
    const withSearch = openTempStore('fts');
    const without = openTempStore('nofts', { search: false });
    try {
      await withSearch.store.write([received(line)]);
      await without.store.write([received(line)]);
      const serial = rowOf(withSearch.store, 'SELECT serial FROM privmsg')['serial'];
      assert.deepEqual(rowsOf(withSearch.store, match), [{ rowid: serial }]);
      assert.deepEqual(rowsOf(without.store, match), []);
      assert.equal(count(without.store, 'privmsg'), 1);
    } finally {
      await withSearch.dispose();
      await without.dispose();
    }
  });
});

describe('lines that name a channel without a room-id', () => {
  let t: TempStore;
  before(() => (t = openTempStore('room-by-name')));
  after(() => t.dispose());

  it('a JOIN before any room-id gets room_id NULL and creates no stand-in room; later lines resolve the name', async () => {
    await t.store.write([received(':alice!alice@alice.tmi.twitch.tv JOIN #newchan')]);
    assert.deepEqual(rowsOf(t.store, "SELECT room_id, room_name, username FROM userlist"), [{ room_id: null, room_name: '#newchan', username: 'alice' }]);
    assert.equal(count(t.store, 'room'), 0, 'no room row for a channel known only by name');
    await t.store.write([
      received('@emote-only=0;followers-only=-1;r9k=0;room-id=7007;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #newchan'),
      received(':bob!bob@bob.tmi.twitch.tv JOIN #newchan'),
      received('@msg-id=msg_banned :tmi.twitch.tv NOTICE #newchan :You are permanently banned from talking in newchan.'),
      received('@login=carol;target-msg-id=abc :tmi.twitch.tv CLEARMSG #newchan :deleted text'),
    ]);
    assert.deepEqual(rowsOf(t.store, "SELECT room_id, username FROM userlist WHERE username = 'bob'"), [{ room_id: '7007', username: 'bob' }]);
    assert.equal(rowOf(t.store, "SELECT room_id FROM notice")['room_id'], '7007');
    assert.equal(rowOf(t.store, "SELECT room_id FROM clearmsg")['room_id'], '7007');
    assert.deepEqual(rowsOf(t.store, 'SELECT room_id, room_name FROM room'), [{ room_id: '7007', room_name: '#newchan' }]);
  });

  it('a chat line of an old log without room-id, for a channel never seen with one, keeps the stand-in id #login', async () => {
    await t.store.write([received(':dave!dave@dave.tmi.twitch.tv PRIVMSG #oldchan :hello from 2014')]);
    assert.deepEqual(rowsOf(t.store, "SELECT room_id, user_id, msg_content FROM privmsg"), [{ room_id: '#oldchan', user_id: '@dave', msg_content: 'hello from 2014' }]);
  });
});

describe('the read connection', () => {
  it('is a separate read-only connection with a 1 GiB memory map and a 256 MiB page cache; the writer keeps its own', async () => {
    const t = openTempStore('read-connection');
    try {
      const reader = t.store.readDb;
      assert.notEqual(reader, t.store.db);
      assert.equal(reader.readonly, true);
      assert.equal(reader.pragma('mmap_size', { simple: true }), 1024 * 1024 * 1024);
      assert.equal(reader.pragma('cache_size', { simple: true }), -256 * 1024);
      assert.equal(t.store.db.pragma('cache_size', { simple: true }), -16 * 1024);
    } finally {
      await t.dispose();
    }
  });

  it('leaves the writer a 16 MiB page cache unless told otherwise (import asks for more)', async () => {
    const t = openTempStore('writer-cache', { cacheMiB: 128 });
    try {
      assert.equal(t.store.db.pragma('cache_size', { simple: true }), -128 * 1024);
    } finally {
      await t.dispose();
    }
  });

  it('of a read-only store (serve) is its one connection, with the same memory map and page cache', async () => {
    const t = openTempStore('read-only-connection');
    try {
      const readonly = openSqliteStore(t.path, { readonly: true });
      try {
        assert.equal(readonly.readDb, readonly.db);
        assert.equal(readonly.readDb.pragma('mmap_size', { simple: true }), 1024 * 1024 * 1024);
        assert.equal(readonly.readDb.pragma('cache_size', { simple: true }), -256 * 1024);
      } finally {
        await readonly.close();
      }
    } finally {
      await t.dispose();
    }
  });
});
