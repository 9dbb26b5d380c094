// TwitchEvent → rows. One prepared statement per table, reused for every row; referenced users and rooms
// are upserted first (cached, so a chatty user costs one upsert, not one per message).
import type { Database, Statement } from 'better-sqlite3';
import type { PrivmsgEvent, TwitchEvent, UsernoticeEvent } from '../../twitch/events.js';
import { badgeVersion } from '../../twitch/badges.js';
import { NOTICE_KINDS, type NoticeKind } from '../../twitch/usernotice.js';
import type { FieldValue } from '../../twitch/fields.js';
import { ReferenceCache } from './reference-cache.js';

type Row = Record<string, unknown>;

const EVENT_COLUMNS = ['timestamp', 'tmi_sent_ts', 'received_ms', 'room_id', 'raw_id'];
const NOTICE_COLUMNS = [...EVENT_COLUMNS, 'user_id', 'display_name', 'msg_id', 'msg_type', 'source_msg_id', 'source_room_id', 'system_msg', 'msg_content'];

/** `INSERT OR IGNORE`: a unique message id seen before (Twitch re-sends) is skipped, not an error. */
function insert(db: Database, table: string, columns: readonly string[]): Statement {
  const cols = columns.map((c) => `"${c}"`).join(', ');
  return db.prepare(`INSERT OR IGNORE INTO "${table}" (${cols}) VALUES (${columns.map((c) => '@' + c).join(', ')})`);
}

const bit = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);
const sqlValue = (v: FieldValue): unknown => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** Stand-in ids for lines that carry no Twitch id (see schema.ts). */
export function roomIdOf(event: TwitchEvent): string | null {
  return event.roomId ?? event.channel;
}

export class EventRows {
  private readonly raw: Statement;
  private readonly privmsg: Statement;
  private readonly fts: Statement;
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
    this.raw = db.prepare('INSERT INTO raw (received_ms, room_id, command, malformed, line) VALUES (?, ?, ?, ?, ?)');
    this.privmsg = insert(db, 'privmsg', [...EVENT_COLUMNS, 'user_id', 'message_id', 'source_message_id', 'source_room_id', 'color',
      'returning_chatter', 'first_msg', 'flags', 'emotes', 'msg_content', 'action', 'bits', 'msg_type', 'custom_reward_id',
      'reply_user_id', 'reply_user_login', 'reply_display_name', 'reply_msg_id', 'reply_msg_body', 'thread_user_id',
      'thread_user_login', 'thread_msg_id']);
    this.fts = db.prepare('INSERT INTO privmsg_fts (rowid, msg_content) VALUES (?, ?)');
    this.bits = insert(db, 'bits', [...EVENT_COLUMNS, 'user_id', 'message_id', 'source_room_id', 'bits']);
    this.notices = {} as typeof this.notices;
    for (const kind of Object.keys(NOTICE_KINDS) as NoticeKind[]) {
      const table = kind === 'other' ? 'usernotice' : kind;
      const params = Object.keys(NOTICE_KINDS[kind]);
      const columns = [...NOTICE_COLUMNS, ...params, ...(kind === 'other' ? ['tags'] : [])];
      this.notices[kind] = { table, statement: insert(db, table, columns), params };
    }
    this.roomstate = db.prepare(`INSERT INTO roomstate (timestamp, room_id, emote_only, followers_only, r9k, slow, subs_only)
      VALUES (@timestamp, @room_id, coalesce(@emote_only, 0), coalesce(@followers_only, -1), coalesce(@r9k, 0), coalesce(@slow, 0), coalesce(@subs_only, 0))
      ON CONFLICT (room_id) DO UPDATE SET timestamp = excluded.timestamp,
        emote_only = coalesce(@emote_only, emote_only), followers_only = coalesce(@followers_only, followers_only),
        r9k = coalesce(@r9k, r9k), slow = coalesce(@slow, slow), subs_only = coalesce(@subs_only, subs_only)`);
    this.roomstateChange = insert(db, 'roomstate_change', [...EVENT_COLUMNS, 'emote_only', 'followers_only', 'r9k', 'slow', 'subs_only']);
    this.userlist = insert(db, 'userlist', [...EVENT_COLUMNS, 'room_name', 'username', 'join_part']);
    this.clearchat = insert(db, 'clearchat', [...EVENT_COLUMNS, 'target_user_id', 'target_login', 'ban_duration']);
    this.clearmsg = insert(db, 'clearmsg', [...EVENT_COLUMNS, 'login', 'target_msg_id', 'msg_content']);
    this.notice = insert(db, 'notice', [...EVENT_COLUMNS, 'room_name', 'msg_id', 'target_user_id', 'msg_content']);
    this.whisper = insert(db, 'whisper', [...EVENT_COLUMNS, 'user_id', 'message_id', 'thread_id', 'recipient', 'msg_content']);
  }

  /** After a rolled-back transaction the caches may describe rows that were never written. */
  forgetCachedReferences(): void {
    this.refs.clear();
  }

  /** Writes one event; adds to `rows` the rows it created per table. Returns false for a duplicate. Caller holds the transaction. */
  write(event: TwitchEvent, receivedMs: number, rows: Record<string, number>): boolean {
    const roomId = roomIdOf(event);
    const rawId = Number(this.raw.run(receivedMs, roomId, event.irc.command || '?', event.type === 'malformed' ? 1 : 0, event.irc.raw).lastInsertRowid);
    rows['raw'] = (rows['raw'] ?? 0) + 1;
    if (roomId !== null && event.channel !== null) this.refs.room(roomId, event.channel);
    const base: Row = { timestamp: event.tmiSentTs ?? receivedMs, tmi_sent_ts: event.tmiSentTs, received_ms: receivedMs, room_id: roomId, raw_id: rawId };
    switch (event.type) {
      case 'privmsg':
        return this.writePrivmsg(event, base, rows);
      case 'usernotice':
        return this.writeUsernotice(event, base, rows);
      case 'roomstate':
        if (roomId === null) return true;
        this.roomstate.run({ timestamp: base['timestamp'], room_id: roomId, emote_only: bit(event.modes.emote_only), followers_only: event.modes.followers_only, r9k: bit(event.modes.r9k), slow: event.modes.slow, subs_only: bit(event.modes.subs_only) });
        return this.count(rows, 'roomstate_change', this.roomstateChange.run({ ...base, emote_only: bit(event.modes.emote_only), followers_only: event.modes.followers_only, r9k: bit(event.modes.r9k), slow: event.modes.slow, subs_only: bit(event.modes.subs_only) }).changes);
      case 'join':
      case 'part':
        if (event.channel === null || event.login === null) return true;
        return this.count(rows, 'userlist', this.userlist.run({ ...base, room_name: event.channel, username: event.login, join_part: event.type.toUpperCase() }).changes);
      case 'names':
        if (event.channel === null) return true;
        for (const name of event.names) this.count(rows, 'userlist', this.userlist.run({ ...base, room_name: event.channel, username: name.toLowerCase(), join_part: 'NAMES' }).changes);
        return true;
      case 'clearchat':
        return this.count(rows, 'clearchat', this.clearchat.run({ ...base, target_user_id: event.targetUserId, target_login: event.targetLogin, ban_duration: event.banDuration }).changes);
      case 'clearmsg':
        return this.count(rows, 'clearmsg', this.clearmsg.run({ ...base, login: event.login, target_msg_id: event.targetMsgId, msg_content: event.text }).changes);
      case 'notice':
        return this.count(rows, 'notice', this.notice.run({ ...base, room_name: event.channel, msg_id: event.msgId, target_user_id: event.targetUserId, msg_content: event.text }).changes);
      case 'whisper': {
        const userId = this.refs.user(event.user);
        return this.count(rows, 'whisper', this.whisper.run({ ...base, user_id: userId, message_id: event.id, thread_id: event.threadId, recipient: event.recipient, msg_content: event.text }).changes);
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
    if (userId !== null && typeof roomId === 'string' && event.channel !== null) {
      const badges = event.user.badges;
      const months = badgeVersion(event.user.badgeInfo, 'subscriber') ?? badgeVersion(event.user.badgeInfo, 'founder');
      this.refs.userInRoom(userId, roomId, timestamp, {
        badges: badges ?? '',
        badge_info: event.user.badgeInfo ?? '',
        subscriber: bit(event.user.subscriber) ?? 0,
        sub_streak: months === null ? 0 : Number(months) || 0,
        vip: event.user.vip ? 1 : 0,
        mod: bit(event.user.mod) ?? (badgeVersion(badges, 'moderator') !== null ? 1 : 0),
      });
    }
    return userId;
  }

  private writePrivmsg(e: PrivmsgEvent, base: Row, rows: Record<string, number>): boolean {
    const userId = this.seen(e, base['room_id'], base['timestamp'] as number);
    const t = e.irc.tags;
    const result = this.privmsg.run({
      ...base,
      user_id: userId,
      message_id: e.id,
      source_message_id: e.sourceId,
      source_room_id: e.sourceRoomId,
      color: e.user.color ?? '',
      returning_chatter: bit(e.returningChatter) ?? 0,
      first_msg: bit(e.firstMsg) ?? 0,
      flags: t['flags'] ?? '',
      emotes: t['emotes'] ?? '',
      msg_content: e.text,
      action: e.action ? 1 : 0,
      bits: e.bits,
      msg_type: e.msgType,
      custom_reward_id: e.customRewardId,
      reply_user_id: e.reply?.userId ?? null,
      reply_user_login: e.reply?.login ?? null,
      reply_display_name: e.reply?.displayName ?? null,
      reply_msg_id: e.reply?.msgId ?? null,
      reply_msg_body: e.reply?.body ?? null,
      thread_user_id: e.thread?.userId ?? null,
      thread_user_login: e.thread?.login ?? null,
      thread_msg_id: e.thread?.msgId ?? null,
    });
    if (result.changes === 0) return false;
    rows['privmsg'] = (rows['privmsg'] ?? 0) + 1;
    if (this.search) this.fts.run(result.lastInsertRowid, e.text);
    if (e.bits !== null) {
      this.count(rows, 'bits', this.bits.run({ ...base, user_id: userId, message_id: e.id, source_room_id: e.sourceRoomId, bits: e.bits }).changes);
    }
    return true;
  }

  private writeUsernotice(e: UsernoticeEvent, base: Row, rows: Record<string, number>): boolean {
    const userId = this.seen(e, base['room_id'], base['timestamp'] as number);
    const target = this.notices[e.kind];
    const row: Row = {
      ...base,
      user_id: userId,
      display_name: e.user.displayName,
      msg_id: e.id,
      msg_type: e.msgId,
      source_msg_id: e.sourceId,
      source_room_id: e.sourceRoomId,
      system_msg: e.systemMsg,
      msg_content: e.text,
    };
    for (const name of target.params) row[name] = sqlValue(e.params[name] ?? null);
    if (e.kind === 'other') row['tags'] = JSON.stringify(e.irc.tags);
    return this.count(rows, target.table, target.statement.run(row).changes);
  }
}
