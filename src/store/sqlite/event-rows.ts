// TwitchEvent → rows. One prepared statement per table, reused for every row; referenced users and rooms
// are upserted first (cached, so a chatty user costs one upsert, not one per message).
import type { Database, Statement } from 'better-sqlite3';
import type { PrivmsgEvent, TwitchEvent, UsernoticeEvent } from '../../twitch/events.js';
import { NOTICE_KINDS, type NoticeKind } from '../../twitch/usernotice.js';
import type { FieldValue } from '../../twitch/fields.js';
import { bit, ReferenceCache } from './reference-cache.js';
import { deletedMessage, storedMessage } from './schema.js';


const EVENT_COLUMNS = ['timestamp', 'tmi_sent_ts', 'received_ms', 'room_id', 'raw_id'];
const NOTICE_COLUMNS = [...EVENT_COLUMNS, 'user_id', 'display_name', 'msg_id', 'msg_type', 'source_msg_id', 'source_room_id', 'system_msg', 'msg_content'];

/**
 * `INSERT OR IGNORE`: a unique message id seen before (Twitch re-sends) is skipped, not an error.
 * Values bind by position, in `columns` order: binding a 27-key object per row (and building it with
 * `{ ...base, ... }`) cost ~40 µs per PRIVMSG in V8; an array costs a fraction of that.
 */
function insert(db: Database, table: string, columns: readonly string[]): Statement {
  const cols = columns.map((c) => `"${c}"`).join(', ');
  return db.prepare(`INSERT OR IGNORE INTO "${table}" (${cols}) VALUES (${columns.map(() => '?').join(', ')})`);
}

const sqlValue = (v: FieldValue): unknown => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** Lines that only mention a channel: without a known room id they get room_id NULL (the seed's userlist). */
const MENTIONS_ONLY = new Set(['join', 'part', 'names', 'endofnames', 'notice', 'hosttarget', 'userstate', 'unknown', 'malformed']);

export class EventRows {
  private readonly privmsg: Statement;
  /** Whether a message is stored already, found by its room, time and id (schema.ts, V8). */
  private readonly privmsgStored: Statement;
  /**
   * Room id → the newest timestamp of its stored messages, as far as this connection knows. A message newer
   * than that cannot be stored already, so live chat (always the room's newest) skips the lookup: 1.2 µs of a
   * line's ~11 in process. Dropped whenever another connection commits (startTransaction) or a transaction
   * rolls back; a deleted message only leaves it too high, which costs a lookup, never a duplicate.
   */
  private readonly newestStored = new Map<string, number>();
  private readonly newestInRoom: Statement;
  private readonly dataVersion: Statement;
  private lastDataVersion: unknown = null;
  /** The serial of the message a CLEARMSG deleted, when it is among the room's last ones (schema.ts, V8). */
  private readonly deleted: Statement;
  private readonly clearmsgStored: Statement;
  /** Indexes for search the messages this transaction wrote from `ftsFrom` on (see flushSearch). */
  private readonly fts: Statement;
  private ftsFrom: number | null = null;
  private readonly bits: Statement;
  private readonly notices: Record<NoticeKind, { table: string; statement: Statement; params: readonly string[] }>;
  private readonly roomstate: Statement;
  private readonly roomstateChange: Statement;
  private readonly userlist: Statement;
  private readonly clearchat: Statement;
  private readonly clearmsg: Statement;
  private readonly notice: Statement;
  private readonly whisper: Statement;
  private readonly refs: ReferenceCache;

  constructor(db: Database, private readonly search: boolean) {
    this.refs = new ReferenceCache(db);
    // timestamp and received_ms are computed from tmi_sent_ts and received_offset (schema.ts, V5).
    this.privmsg = insert(db, 'privmsg', ['tmi_sent_ts', 'received_offset', 'room_id', 'raw_id', 'user_id', 'message_id', 'source_message_id',
      'source_room_id', 'color', 'returning_chatter', 'first_msg', 'flags', 'emotes', 'msg_content', 'action', 'bits', 'msg_type',
      'custom_reward_id', 'reply_user_id', 'reply_user_login', 'reply_display_name', 'reply_msg_id', 'reply_msg_body', 'thread_user_id',
      'thread_user_login', 'thread_msg_id']);
    this.privmsgStored = db.prepare(storedMessage).pluck();
    this.newestInRoom = db.prepare('SELECT max(timestamp) FROM privmsg WHERE room_id = ?').pluck();
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.deleted = db.prepare(deletedMessage).pluck();
    this.clearmsgStored = db.prepare('SELECT 1 FROM clearmsg WHERE target_msg_id = ?').pluck();
    this.fts = db.prepare('INSERT INTO privmsg_fts (rowid, msg_content) SELECT serial, msg_content FROM privmsg WHERE serial >= ?');
    this.bits = insert(db, 'bits', [...EVENT_COLUMNS, 'user_id', 'message_id', 'source_room_id', 'bits']);
    this.notices = {} as typeof this.notices;
    for (const kind of Object.keys(NOTICE_KINDS) as NoticeKind[]) {
      const table = kind === 'other' ? 'usernotice' : kind;
      const params = Object.keys(NOTICE_KINDS[kind]);
      const columns = [...NOTICE_COLUMNS, ...params, ...(kind === 'other' ? ['tags'] : [])];
      this.notices[kind] = { table, statement: insert(db, table, columns), params };
    }
    this.roomstate = db.prepare(`INSERT INTO roomstate (timestamp, room_id, emote_only, followers_only, r9k, slow, subs_only)
      VALUES (?1, ?2, coalesce(?3, 0), coalesce(?4, -1), coalesce(?5, 0), coalesce(?6, 0), coalesce(?7, 0))
      ON CONFLICT (room_id) DO UPDATE SET timestamp = excluded.timestamp,
        emote_only = coalesce(?3, emote_only), followers_only = coalesce(?4, followers_only),
        r9k = coalesce(?5, r9k), slow = coalesce(?6, slow), subs_only = coalesce(?7, subs_only)`);
    this.roomstateChange = insert(db, 'roomstate_change', [...EVENT_COLUMNS, 'emote_only', 'followers_only', 'r9k', 'slow', 'subs_only']);
    this.userlist = insert(db, 'userlist', [...EVENT_COLUMNS, 'room_name', 'username', 'join_part']);
    this.clearchat = insert(db, 'clearchat', [...EVENT_COLUMNS, 'target_user_id', 'target_login', 'ban_duration']);
    this.clearmsg = insert(db, 'clearmsg', [...EVENT_COLUMNS, 'login', 'target_msg_id', 'msg_content', 'target_serial']);
    this.notice = insert(db, 'notice', [...EVENT_COLUMNS, 'room_name', 'msg_id', 'target_user_id', 'msg_content']);
    this.whisper = insert(db, 'whisper', [...EVENT_COLUMNS, 'user_id', 'message_id', 'thread_id', 'recipient', 'msg_content']);
  }

  /**
   * The room a row belongs to: Twitch's room-id; else the id of the channel it names, when a line with its
   * room-id was seen; else, for chat and moderation events of old logs, the stand-in id `#login` (see schema.ts),
   * so they stay filterable by room; else null.
   */
  private roomIdOf(event: TwitchEvent): string | null {
    if (event.roomId !== null) return event.roomId;
    if (event.channel === null) return null;
    return this.refs.roomIdByName(event.channel) ?? (MENTIONS_ONLY.has(event.type) ? null : event.channel);
  }

  /**
   * Adds the messages written since the last call to the full-text index, in one statement: one per message
   * cost a call, and a second conversion of its text to UTF-8, each. Caller holds the transaction, and calls
   * this before COMMIT. Messages get serials above every stored one, and this connection is the only writer
   * inside its transaction, so `serial >= ` the first one written is exactly them.
   */
  flushSearch(): void {
    if (this.ftsFrom === null) return;
    if (this.search) this.fts.run(this.ftsFrom);
    this.ftsFrom = null;
  }

  /**
   * Call at the start of each write transaction. PRAGMA data_version changes when another connection (an
   * import in another process, an older saltmine) committed since it was last read: what this connection
   * knows of the newest stored messages may be stale then, and is dropped.
   */
  startTransaction(): void {
    const version = this.dataVersion.get();
    if (version !== this.lastDataVersion) this.newestStored.clear();
    this.lastDataVersion = version;
  }

  /** After a rolled-back transaction the caches may describe rows that were never written. */
  forgetCachedReferences(): void {
    this.refs.clear();
    this.newestStored.clear();
    this.ftsFrom = null;
  }

  /** Whether a message of this room, time and id is stored already (see newestStored). */
  private isStored(roomId: string, timestamp: number, id: string): boolean {
    let newest = this.newestStored.get(roomId);
    if (newest === undefined) {
      newest = (this.newestInRoom.get(roomId) as number | null) ?? -Infinity;
      this.newestStored.set(roomId, newest);
    }
    return timestamp <= newest && this.privmsgStored.get(roomId, timestamp, id) !== undefined;
  }

  /**
   * Writes the rows of one event whose line is archived as `rawId`; adds to `rows` the rows it created per
   * table. Returns false for a duplicate. Caller holds the transaction.
   */
  write(event: TwitchEvent, receivedMs: number, rawId: number, rows: Record<string, number>): boolean {
    const roomId = this.roomIdOf(event);
    if (roomId !== null) this.refs.room(roomId, event.channel);
    const ts = event.tmiSentTs ?? receivedMs;
    switch (event.type) {
      case 'privmsg':
        return this.writePrivmsg(event, [ts, event.tmiSentTs, receivedMs, roomId, rawId], rows);
      case 'usernotice':
        return this.writeUsernotice(event, [ts, event.tmiSentTs, receivedMs, roomId, rawId], rows);
      case 'roomstate': {
        if (roomId === null) return true;
        const m = event.modes;
        const modes = [bit(m.emote_only), m.followers_only, bit(m.r9k), m.slow, bit(m.subs_only)];
        // better-sqlite3 binds `?NNN` parameters by name: an object keyed 1..7, not positional arguments.
        this.roomstate.run({ 1: ts, 2: roomId, 3: modes[0], 4: modes[1], 5: modes[2], 6: modes[3], 7: modes[4] });
        return this.count(rows, 'roomstate_change', this.roomstateChange.run(ts, event.tmiSentTs, receivedMs, roomId, rawId, ...modes).changes);
      }
      case 'join':
      case 'part':
        if (event.channel === null || event.login === null) return true;
        return this.count(rows, 'userlist', this.userlist.run(ts, event.tmiSentTs, receivedMs, roomId, rawId, event.channel, event.login, event.type.toUpperCase()).changes);
      case 'names':
        if (event.channel === null) return true;
        for (const name of event.names) {
          this.count(rows, 'userlist', this.userlist.run(ts, event.tmiSentTs, receivedMs, roomId, rawId, event.channel, name.toLowerCase(), 'NAMES').changes);
        }
        return true;
      case 'clearchat':
        return this.count(rows, 'clearchat', this.clearchat.run(ts, event.tmiSentTs, receivedMs, roomId, rawId, event.targetUserId, event.targetLogin, event.banDuration).changes);
      case 'clearmsg': {
        // A CLEARMSG seen before (re-sent) would be dropped by the insert: it is, before the search for its message.
        const targetId = event.targetMsgId;
        if (targetId !== null && this.clearmsgStored.get(targetId) !== undefined) return false;
        const target = roomId === null || targetId === null ? null : (this.deleted.get(roomId, ts, targetId) ?? null);
        return this.count(rows, 'clearmsg', this.clearmsg.run(ts, event.tmiSentTs, receivedMs, roomId, rawId, event.login, targetId, event.text, target).changes);
      }
      case 'notice':
        return this.count(rows, 'notice', this.notice.run(ts, event.tmiSentTs, receivedMs, roomId, rawId, event.channel, event.msgId, event.targetUserId, event.text).changes);
      case 'whisper': {
        const userId = this.refs.user(event.user);
        return this.count(rows, 'whisper', this.whisper.run(ts, event.tmiSentTs, receivedMs, roomId, rawId, userId, event.id, event.threadId, event.recipient, event.text).changes);
      }
      default:
        // userstate, globaluserstate, hosttarget, ping, cap, numerics, unknown, malformed: the raw archive holds them.
        return true;
    }
  }

  private count(rows: Record<string, number>, table: string, changes: number): boolean {
    if (changes > 0) rows[table] = (rows[table] ?? 0) + changes;
    return changes > 0;
  }

  private seen(event: PrivmsgEvent | UsernoticeEvent, roomId: unknown, timestamp: number): string | null {
    const userId = this.refs.user(event.user);
    if (userId !== null && typeof roomId === 'string' && event.channel !== null) this.refs.userInRoom(userId, roomId, timestamp, event.user);
    return userId;
  }

  /** `base`: timestamp, tmi_sent_ts, received_ms, room_id, raw_id (EVENT_COLUMNS order). */
  private writePrivmsg(e: PrivmsgEvent, base: unknown[], rows: Record<string, number>): boolean {
    // Without tmi-sent-ts a line has no time of its own to be found by (an import stamps such lines with one
    // time, and the lookup would walk every message of that millisecond): it is not de-duplicated.
    const [timestamp, tmiSentTs, receivedMs, roomId, rawId] = base as [number, number | null, number, string | null, number];
    if (e.id !== null && tmiSentTs !== null && roomId !== null && this.isStored(roomId, timestamp, e.id)) return false;
    const userId = this.seen(e, roomId, timestamp);
    const t = e.irc.tags;
    const result = this.privmsg.run(tmiSentTs, receivedMs - (tmiSentTs ?? 0), roomId, rawId,
      userId, e.id, e.sourceId, e.sourceRoomId, e.user.color ?? '', bit(e.returningChatter) ?? 0, bit(e.firstMsg) ?? 0,
      t['flags'] ?? '', t['emotes'] ?? '', e.text, e.action ? 1 : 0, e.bits, e.msgType, e.customRewardId,
      e.reply?.userId ?? null, e.reply?.login ?? null, e.reply?.displayName ?? null, e.reply?.msgId ?? null, e.reply?.body ?? null,
      e.thread?.userId ?? null, e.thread?.login ?? null, e.thread?.msgId ?? null);
    if (result.changes === 0) return false;
    if (roomId !== null && timestamp > (this.newestStored.get(roomId) ?? Infinity)) this.newestStored.set(roomId, timestamp);
    rows['privmsg'] = (rows['privmsg'] ?? 0) + 1;
    this.ftsFrom ??= Number(result.lastInsertRowid);
    if (e.bits !== null) this.count(rows, 'bits', this.bits.run(...base, userId, e.id, e.sourceRoomId, e.bits).changes);
    return true;
  }

  private writeUsernotice(e: UsernoticeEvent, base: unknown[], rows: Record<string, number>): boolean {
    const userId = this.seen(e, base[3], base[0] as number);
    const target = this.notices[e.kind];
    const values = [...base, userId, e.user.displayName, e.id, e.msgId, e.sourceId, e.sourceRoomId, e.systemMsg, e.text];
    for (const name of target.params) values.push(sqlValue(e.params[name] ?? null));
    if (e.kind === 'other') values.push(JSON.stringify(e.irc.tags));
    return this.count(rows, target.table, target.statement.run(values).changes);
  }
}
