// SQLite schema as versioned migrations (PRAGMA user_version). Table and column names are the seed's
// (twitch-irc-data-collection-tool.md), with the seed's data-loss bugs fixed and what a researcher needs added:
// - `timestamp` is INTEGER ms since the epoch: Twitch's tmi-sent-ts when present, else our receive time;
//   `tmi_sent_ts` and `received_ms` are both kept (two timestamps on every row).
// - `serial` is the rowid (INTEGER PRIMARY KEY): keyset pagination orders by (timestamp, serial).
// - Rooms and users whose Twitch id a line does not carry (old logs) get a stand-in id: `#login` for rooms,
//   `@login` for users. Neither can collide with Twitch's numeric ids, and nothing is dropped for lack of an id.
// - No NOT NULL on tag-derived columns: old lines lack tags the seed required, and rejecting them lost data.
// - FOREIGN KEYs are declared for room_id/user_id; the writer always upserts the referenced row first.

/** Columns every event table shares. */
const EVENT = `
  serial INTEGER PRIMARY KEY,
  timestamp INTEGER NOT NULL,
  tmi_sent_ts INTEGER,
  received_ms INTEGER NOT NULL,
  room_id TEXT REFERENCES room(room_id),
  raw_id INTEGER`;

/** Columns every USERNOTICE table shares (besides its msg-param columns). */
const NOTICE = `${EVENT},
  user_id TEXT REFERENCES user(user_id),
  display_name TEXT,
  msg_id TEXT,
  msg_type TEXT,
  source_msg_id TEXT,
  source_room_id TEXT,
  system_msg TEXT,
  msg_content TEXT`;

/** privmsg's own columns, after the EVENT ones. */
const PRIVMSG = `
  user_id TEXT REFERENCES user(user_id),
  message_id TEXT,
  source_message_id TEXT,
  source_room_id TEXT,
  color TEXT DEFAULT '',
  returning_chatter INTEGER DEFAULT 0,
  first_msg INTEGER DEFAULT 0,
  flags TEXT DEFAULT '',
  emotes TEXT DEFAULT '',
  msg_content TEXT DEFAULT '',
  action INTEGER DEFAULT 0,
  bits INTEGER,
  msg_type TEXT,
  custom_reward_id TEXT,
  reply_user_id TEXT,
  reply_user_login TEXT,
  reply_display_name TEXT,
  reply_msg_id TEXT,
  reply_msg_body TEXT,
  thread_user_id TEXT,
  thread_user_login TEXT,
  thread_msg_id TEXT`;

const noticeTable = (name: string, columns: string) => `
CREATE TABLE ${name} (${NOTICE},
  ${columns}
);
CREATE UNIQUE INDEX ${name}_msg_id ON ${name}(msg_id);
CREATE INDEX ${name}_room_time ON ${name}(room_id, timestamp);
CREATE INDEX ${name}_user_time ON ${name}(user_id, timestamp);
CREATE INDEX ${name}_time ON ${name}(timestamp);`;

const eventIndexes = (name: string, userColumn: string | null) => `
CREATE INDEX ${name}_room_time ON ${name}(room_id, timestamp);
CREATE INDEX ${name}_time ON ${name}(timestamp);${userColumn ? `
CREATE INDEX ${name}_user_time ON ${name}(${userColumn}, timestamp);` : ''}`;

const V1 = `
CREATE TABLE user (
  user_id TEXT PRIMARY KEY,
  login TEXT DEFAULT '',
  display_name TEXT DEFAULT '',
  user_type TEXT DEFAULT '',
  turbo INTEGER DEFAULT 0,
  created TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX user_login ON user(login);

CREATE TABLE room (
  room_id TEXT PRIMARY KEY,
  room_name TEXT DEFAULT '#UNKNOWN',
  created TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX room_room_name ON room(room_name);

-- One row per (user, room) with the latest badges and first/last seen (the seed keyed it on a 1-second timestamp).
CREATE TABLE user_in_room (
  user_id TEXT NOT NULL REFERENCES user(user_id),
  room_id TEXT NOT NULL REFERENCES room(room_id),
  badges TEXT DEFAULT '',
  badge_info TEXT DEFAULT '',
  subscriber INTEGER DEFAULT 0,
  sub_streak INTEGER DEFAULT 0,
  vip INTEGER DEFAULT 0,
  mod INTEGER DEFAULT 0,
  first_seen INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (user_id, room_id)
) WITHOUT ROWID;
CREATE INDEX user_in_room_room ON user_in_room(room_id, timestamp);

-- Every received line, exactly as received, so anything can be re-parsed later: zlib-compressed blocks,
-- one per written batch (format in raw-archive.ts). raw_id on event rows = block id * 65536 + index.
CREATE TABLE raw_block (
  id INTEGER PRIMARY KEY,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  malformed INTEGER NOT NULL DEFAULT 0,
  data BLOB NOT NULL
);
CREATE INDEX raw_block_time ON raw_block(first_ms, last_ms);

CREATE TABLE privmsg (${EVENT},${PRIVMSG}
);
CREATE UNIQUE INDEX privmsg_message_id ON privmsg(message_id);
${eventIndexes('privmsg', 'user_id')}

CREATE VIRTUAL TABLE privmsg_fts USING fts5(msg_content, content='privmsg', content_rowid='serial');

CREATE TABLE bits (${EVENT},
  user_id TEXT REFERENCES user(user_id),
  message_id TEXT,
  source_room_id TEXT,
  bits INTEGER
);
CREATE UNIQUE INDEX bits_message_id ON bits(message_id);
${eventIndexes('bits', 'user_id')}
${noticeTable('announcement', 'color TEXT')}
${noticeTable('subscription', `cumulative_months INTEGER DEFAULT 0,
  months INTEGER DEFAULT 0,
  streak_months INTEGER,
  multimonth_duration INTEGER DEFAULT 0,
  multimonth_tenure INTEGER DEFAULT 0,
  should_share_streak INTEGER DEFAULT 0,
  sub_plan_name TEXT,
  sub_plan TEXT,
  was_gifted TEXT,
  gifter_id TEXT,
  gifter_login TEXT,
  gifter_name TEXT`)}
${noticeTable('subgift', `community_gift_id TEXT,
  fun_string TEXT,
  gift_months INTEGER DEFAULT 0,
  months INTEGER DEFAULT 0,
  origin_id TEXT,
  recipient_id TEXT,
  recipient_display_name TEXT,
  recipient_user_name TEXT,
  sender_count INTEGER DEFAULT 0,
  sub_plan_name TEXT,
  sub_plan TEXT`)}
${noticeTable('submysterygift', `community_gift_id TEXT,
  contribution_type TEXT,
  current_contributions INTEGER DEFAULT 0,
  target_contributions INTEGER DEFAULT 0,
  user_contributions INTEGER DEFAULT 0,
  mass_gift_count INTEGER DEFAULT 0,
  sender_count INTEGER,
  origin_id TEXT,
  sub_plan TEXT`)}
${noticeTable('bitsbadgetier', 'msg_param_threshold INTEGER DEFAULT 0')}
${noticeTable('raid', `msg_param_displayName TEXT,
  msg_param_login TEXT,
  msg_param_profileImageURL TEXT,
  msg_param_viewerCount TEXT`)}
${noticeTable('viewermilestone', `streak INTEGER DEFAULT 0,
  category TEXT,
  reward INTEGER`)}
${noticeTable('payforward', `prior_gifter_anonymous TEXT,
  prior_gifter_id TEXT,
  prior_gifter_display_name TEXT,
  prior_gifter_user_name TEXT,
  recipient_id TEXT,
  recipient_display_name TEXT,
  recipient_user_name TEXT`)}
${noticeTable('paidupgrade', `sender_login TEXT,
  sender_name TEXT,
  sub_plan TEXT,
  promo_name TEXT,
  promo_gift_total INTEGER`)}
${noticeTable('onetapgift', `bits_spent INTEGER DEFAULT 0,
  gift_id TEXT,
  user_display_name TEXT`)}
-- USERNOTICE msg-ids without a table of their own (unraid, ritual, rewardgift, charitydonation, ... and
-- whatever Twitch adds next): all tags kept as JSON.
${noticeTable('usernotice', 'tags TEXT NOT NULL')}

-- The current modes of each room; a partial ROOMSTATE changes only the modes it names.
CREATE TABLE roomstate (
  timestamp INTEGER NOT NULL,
  room_id TEXT PRIMARY KEY REFERENCES room(room_id),
  emote_only INTEGER DEFAULT 0,
  followers_only INTEGER DEFAULT -1,
  r9k INTEGER DEFAULT 0,
  slow INTEGER DEFAULT 0,
  subs_only INTEGER DEFAULT 0
);
-- Every ROOMSTATE as received (null = not part of this update), for the history of room modes.
CREATE TABLE roomstate_change (${EVENT},
  emote_only INTEGER,
  followers_only INTEGER,
  r9k INTEGER,
  slow INTEGER,
  subs_only INTEGER
);
${eventIndexes('roomstate_change', null)}

CREATE TABLE userlist (${EVENT},
  room_name TEXT NOT NULL,
  username TEXT NOT NULL,
  join_part TEXT NOT NULL
);
${eventIndexes('userlist', 'username')}

-- CLEARCHAT: bans (ban_duration null), timeouts (seconds) and whole-chat clears (target null). Kept as
-- tombstones: the cleared messages stay in privmsg.
CREATE TABLE clearchat (${EVENT},
  target_user_id TEXT,
  target_login TEXT,
  ban_duration INTEGER
);
CREATE UNIQUE INDEX clearchat_once ON clearchat(room_id, tmi_sent_ts, coalesce(target_user_id, ''));
${eventIndexes('clearchat', 'target_user_id')}

-- CLEARMSG: one deleted message.
CREATE TABLE clearmsg (${EVENT},
  login TEXT,
  target_msg_id TEXT,
  msg_content TEXT
);
CREATE UNIQUE INDEX clearmsg_target ON clearmsg(target_msg_id);
${eventIndexes('clearmsg', 'login')}

CREATE TABLE notice (${EVENT},
  room_name TEXT,
  msg_id TEXT,
  target_user_id TEXT,
  msg_content TEXT
);
${eventIndexes('notice', null)}

CREATE TABLE whisper (${EVENT},
  user_id TEXT REFERENCES user(user_id),
  message_id TEXT,
  thread_id TEXT,
  recipient TEXT,
  msg_content TEXT
);
CREATE UNIQUE INDEX whisper_message_id ON whisper(message_id);
${eventIndexes('whisper', 'user_id')}

-- Spans during which channels were not recorded (disconnects, failed joins): where data is missing.
CREATE TABLE gap (
  id INTEGER PRIMARY KEY,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  channels TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX gap_start ON gap(start_ms);

CREATE TABLE channel_state (
  channel TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  detail TEXT,
  updated_ms INTEGER NOT NULL
);

-- Files already imported, by content hash: importing the same file twice changes nothing.
CREATE TABLE import (
  sha256 TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  lines INTEGER NOT NULL,
  completed_ms INTEGER NOT NULL
);
`;

// The API's user-name filter on bans compares the banned login (a banned user may never have chatted, so
// resolving the login through the user table would miss them).
const V2 = `
CREATE INDEX clearchat_target_login ON clearchat(target_login, timestamp);
`;

// A WHISPER's message-id counts per thread (1, 2, ...): unique on its own it dropped the first whisper of
// every thread but one as a "duplicate".
const V3 = `
DROP INDEX whisper_message_id;
CREATE UNIQUE INDEX whisper_thread_message ON whisper(thread_id, message_id);
`;

// Smaller on disk (BENCHMARKS.md, storage):
// - The raw archive is written with Brotli (raw-archive.ts); `codec` tells a block's compression, and the
//   blocks written before stay zlib ('deflate').
// - The full-text index no longer keeps each message's token count (columnsize=0: ~10 B a message). Only
//   bm25() ranking reads it, and search pages in arrival order. The new index holds exactly the messages the
//   old one did (a database recorded with search off stays without), then takes the old one's name.
const V4 = `
ALTER TABLE raw_block ADD COLUMN codec TEXT NOT NULL DEFAULT 'deflate';
CREATE VIRTUAL TABLE privmsg_fts_v4 USING fts5(msg_content, content='privmsg', content_rowid='serial', columnsize=0);
INSERT INTO privmsg_fts_v4 (rowid, msg_content)
  SELECT serial, msg_content FROM privmsg WHERE serial IN (SELECT id FROM privmsg_fts_docsize);
DROP TABLE privmsg_fts;
ALTER TABLE privmsg_fts_v4 RENAME TO privmsg_fts;
`;

/** privmsg's columns after received_ms, as V1 made them. */
const PRIVMSG_COLUMNS = `room_id, raw_id, user_id, message_id, source_message_id, source_room_id, color, returning_chatter,
  first_msg, flags, emotes, msg_content, action, bits, msg_type, custom_reward_id, reply_user_id, reply_user_login,
  reply_display_name, reply_msg_id, reply_msg_body, thread_user_id, thread_user_login, thread_msg_id`;

// Smaller on disk (BENCHMARKS.md, storage). privmsg is rebuilt (same columns, same order, same values):
// - De-duplication: the UNIQUE index on message_id held a 36-character UUID per message (~50 B/line) for that
//   alone. It becomes an index on the id's last 8 characters, and the writer skips a message whose id is
//   already stored (event-rows.ts; schema 8 replaced that index). A row without a message id (old logs) is never a
//   duplicate, as NULLs never were. (A BEFORE INSERT trigger doing the same lookup for every writer cost
//   10–16 µs a row more CPU than the writer's own lookup, on 300,000 generated lines: not kept.)
//   The last 8, not the first: they are random in Twitch's UUID v4 ids (at 100M messages a lookup meets ~0.02
//   other ids) and would stay random in a time-ordered UUID v7, whose first 8 change once a minute. Ids that
//   share their key are told apart by the whole id, one row read each (~0.65 µs).
//   message_id stays TEXT in the row: a query finds a message by id quickly when it names the indexed
//   expression as well (README, "What is stored"):
//     WHERE substr(message_id, -8) = substr(?, -8) AND +message_id = ?
//   With an id given as a value the `+` matters: without it SQLite 3.40 (Debian bookworm) puts the id in place
//   of message_id in the substr() term (constant propagation), which then no longer matches the index, and
//   scans the table. A join on two columns needs no `+` (and must not have one where the other side could be
//   a schema 4 file's UNIQUE index on message_id, which `+` hides).
// - `timestamp` and `received_ms` keep their values and meanings but are computed (VIRTUAL generated columns,
//   SQLite 3.31+; indexes on timestamp hold the value as before): timestamp is tmi_sent_ts, else received_ms,
//   as the writer always set it (the migration refuses a row where it is not); received_ms is tmi_sent_ts plus
//   the new stored column `received_offset` (our receive time minus Twitch's: a few hundred ms, 2 bytes
//   instead of 6), or received_offset alone for a line without tmi-sent-ts. Generated columns are read like
//   any other (SELECT *, the API); PRAGMA table_xinfo lists them, table_info does not, and an INSERT must not
//   name them.
// Only built-in functions of every SQLite since 3.31 appear here: a schema naming an unknown function makes
// the file unopenable.
const V5 = `
CREATE TEMP TABLE v5_timestamp_check (rows_where_timestamp_is_not_tmi_sent_ts_else_received_ms INTEGER CHECK (rows_where_timestamp_is_not_tmi_sent_ts_else_received_ms = 0));
INSERT INTO v5_timestamp_check SELECT count(*) FROM privmsg WHERE timestamp IS NOT coalesce(tmi_sent_ts, received_ms);
DROP TABLE v5_timestamp_check;

CREATE TABLE privmsg_v5 (
  serial INTEGER PRIMARY KEY,
  timestamp INTEGER NOT NULL GENERATED ALWAYS AS (coalesce(tmi_sent_ts, received_ms)) VIRTUAL,
  tmi_sent_ts INTEGER,
  received_ms INTEGER NOT NULL GENERATED ALWAYS AS (coalesce(tmi_sent_ts, 0) + received_offset) VIRTUAL,
  room_id TEXT REFERENCES room(room_id),
  raw_id INTEGER,${PRIVMSG},
  received_offset INTEGER NOT NULL
);
INSERT INTO privmsg_v5 (serial, tmi_sent_ts, ${PRIVMSG_COLUMNS}, received_offset)
  SELECT serial, tmi_sent_ts, ${PRIVMSG_COLUMNS}, received_ms - coalesce(tmi_sent_ts, 0) FROM privmsg ORDER BY serial;
DROP TABLE privmsg;
ALTER TABLE privmsg_v5 RENAME TO privmsg;
CREATE INDEX privmsg_message_key ON privmsg(substr(message_id, -8));
${eventIndexes('privmsg', 'user_id')}
`;

/**
 * The writer's de-duplication test (schema 8): a privmsg with this room, time and message id (bound in that order) is
 * stored. A copy Twitch sends again has the same id, room-id and tmi-sent-ts, so the (room_id, timestamp) index
 * finds it among the room's messages of that millisecond.
 */
export const storedMessage = 'SELECT 1 FROM privmsg WHERE room_id = ? AND timestamp = ? AND message_id = ?';

/**
 * The deleted message of a CLEARMSG in this room, at this time, with this target id (bound in that order; schema 8, `clearmsg.target_serial`):
 * looked for among the room's last MODERATED_WINDOW messages up to a minute after the deletion (Twitch's
 * servers stamp times independently). Moderators delete from what chat still shows, far fewer lines.
 */
export const MODERATED_WINDOW = 2000;
export const deletedMessage = `SELECT serial FROM (SELECT serial, message_id FROM privmsg WHERE room_id = ? AND timestamp <= ? + 60000
  ORDER BY timestamp DESC LIMIT ${MODERATED_WINDOW}) WHERE message_id = ? LIMIT 1`;

// Small raw blocks are merged into one row (raw-merge.ts): `blocks` is how many written blocks a row holds (1:
// as written; a merged row has its last block's id and holds blocks id - blocks + 1 … id). The default costs
// the existing rows nothing.
const V6 = `
ALTER TABLE raw_block ADD COLUMN blocks INTEGER NOT NULL DEFAULT 1;
`;

// A write thread that stops after its COMMIT but before it answers leaves its batch's fate unknown; the batch is
// asked again of a new thread under the same key (threaded-store.ts), and this receipt of the last batch each
// writer committed, in the same transaction, says it is stored already: asked again, it is not written twice.
const V7 = `
CREATE TABLE write_receipt (
  writer TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  result TEXT NOT NULL
) WITHOUT ROWID;
`;

// The message-key index goes (BENCHMARKS.md, live ingest): its entries land at random places, so a live batch's
// COMMIT wrote about one page of it per message, a sixth of the write thread's time, and 18 B a message on disk.
// - De-duplication goes through the (room_id, timestamp) index instead (`storedMessage`): Twitch gives every
//   copy of a message, Shared Chat's included, an id of its own, so a message stored again has the same room
//   and tmi-sent-ts. A line without tmi-sent-ts (some old logs) has no time of its own to find it by, and is not
//   de-duplicated (an import is: a file imported once is skipped whole).
// - A CLEARMSG keeps the serial of the message it deleted, found when it is written (`deletedMessage`), so a
//   deleted message is one join away without an index on ids; existing rows get theirs from the old index
//   before it goes. A lookup by id alone reads the table (README, "What is stored").
const V8 = `
ALTER TABLE clearmsg ADD COLUMN target_serial INTEGER;
UPDATE clearmsg SET target_serial = (SELECT p.serial FROM privmsg p
  WHERE substr(p.message_id, -8) = substr(clearmsg.target_msg_id, -8) AND p.message_id = clearmsg.target_msg_id);
DROP INDEX IF EXISTS privmsg_message_key;
`;

/** Migration n brings the schema from user_version n to n + 1. Append only; never edit a released one. */
export const MIGRATIONS: readonly string[] = [V1, V2, V3, V4, V5, V6, V7, V8];

/** Tables a status report counts, in display order. */
export const COUNTED_TABLES = [
  'raw_block', 'privmsg', 'user', 'room', 'user_in_room', 'bits', 'announcement', 'subscription', 'subgift',
  'submysterygift', 'bitsbadgetier', 'raid', 'viewermilestone', 'payforward', 'paidupgrade', 'onetapgift',
  'usernotice', 'roomstate', 'roomstate_change', 'userlist', 'clearchat', 'clearmsg', 'notice', 'whisper', 'gap',
] as const;
