// Upserts of `user`, `room` and `user_in_room`, skipped when nothing changed since the last write.
// Most lines come from users already seen in this batch or the last minute; without the cache every
// PRIVMSG would cost three extra statements.
import type { Database, Statement } from 'better-sqlite3';
import type { ChatUser } from '../../twitch/events.js';
import { badgeVersion } from '../../twitch/badges.js';

/** user_in_room.timestamp (last seen) is refreshed at most this often per (user, room) unless badges change. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;
/** Entries kept before a cache is cleared (bounded memory on month-long runs). */
const MAX_ENTRIES = 500_000;

interface UserInRoom {
  badges: string;
  badge_info: string;
  subscriber: number;
  sub_streak: number;
  vip: number;
  mod: number;
}

/** A tag's boolean as SQLite stores it (1, 0), or null when the line did not say. */
export const bit = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/** A user's state in a room, from the tags of one of their lines. */
function roomState(user: ChatUser): UserInRoom {
  const badges = user.badges;
  const months = badgeVersion(user.badgeInfo, 'subscriber') ?? badgeVersion(user.badgeInfo, 'founder');
  return {
    badges: badges ?? '',
    badge_info: user.badgeInfo ?? '',
    subscriber: bit(user.subscriber) ?? 0,
    sub_streak: months === null ? 0 : Number(months) || 0,
    vip: user.vip ? 1 : 0,
    mod: bit(user.mod) ?? (badgeVersion(badges, 'moderator') !== null ? 1 : 0),
  };
}

/** What a user's rows were last written from; compared field by field (no signature string built per line). */
interface SeenUser { login: string | null; displayName: string | null; userType: string | null; turbo: boolean | null }
/** The tags user_in_room's columns come from (roomState), and when the row was last written. */
interface SeenInRoom { badges: string | null; badgeInfo: string | null; subscriber: boolean | null; vip: boolean; mod: boolean | null; written: number }

/** Columns that describe the user's latest state: an older line (an old log imported later) leaves them be. */
const LATEST = ['badges', 'badge_info', 'subscriber', 'sub_streak', 'vip', 'mod'];

export class ReferenceCache {
  private readonly users = new Map<string, SeenUser>();
  private readonly rooms = new Map<string, string>();
  /** `#login` → Twitch room id, for lines that name a channel but carry no room-id (JOIN, PART, NOTICE, old logs). */
  private readonly roomIdsByName = new Map<string, string>();
  private readonly findRoomId: Statement;
  /** Room id → user id → what their user_in_room row was last written from. */
  private readonly userInRooms = new Map<string, Map<string, SeenInRoom>>();
  private userInRoomEntries = 0;
  private readonly upsertUser: Statement;
  private readonly upsertRoom: Statement;
  private readonly insertUnnamedRoom: Statement;
  private readonly upsertUserInRoom: Statement;

  constructor(db: Database) {
    // A line without a login or display name must not blank out what an earlier line told us.
    this.upsertUser = db.prepare(`INSERT INTO user (user_id, login, display_name, user_type, turbo)
      VALUES (@user_id, coalesce(@login, ''), coalesce(@display_name, ''), coalesce(@user_type, ''), coalesce(@turbo, 0))
      ON CONFLICT (user_id) DO UPDATE SET login = coalesce(@login, login), display_name = coalesce(@display_name, display_name),
        user_type = coalesce(@user_type, user_type), turbo = coalesce(@turbo, turbo)`);
    this.upsertRoom = db.prepare(`INSERT INTO room (room_id, room_name) VALUES (?, ?)
      ON CONFLICT (room_id) DO UPDATE SET room_name = excluded.room_name WHERE room_name <> excluded.room_name`);
    // Stand-in ids start with '#'; a real id is what we want here.
    this.findRoomId = db.prepare("SELECT room_id FROM room WHERE room_name = ? AND room_id NOT LIKE '#%' LIMIT 1").pluck();
    this.insertUnnamedRoom = db.prepare('INSERT INTO room (room_id) VALUES (?) ON CONFLICT (room_id) DO NOTHING');
    this.upsertUserInRoom = db.prepare(`INSERT INTO user_in_room (user_id, room_id, badges, badge_info, subscriber, sub_streak, vip, mod, first_seen, timestamp)
      VALUES (@user_id, @room_id, @badges, @badge_info, @subscriber, @sub_streak, @vip, @mod, @timestamp, @timestamp)
      ON CONFLICT (user_id, room_id) DO UPDATE SET ${LATEST.map((c) => `${c} = iif(excluded.timestamp >= timestamp, excluded.${c}, ${c})`).join(', ')},
        first_seen = min(first_seen, excluded.first_seen), timestamp = max(timestamp, excluded.timestamp)`);
  }

  /** Upserts the user when new or changed; returns the user id to store (a stand-in `@login` without one). */
  user(user: ChatUser): string | null {
    const userId = user.userId ?? (user.login ? '@' + user.login : null);
    if (userId === null) return null;
    const seen = this.users.get(userId);
    if (seen !== undefined && seen.login === user.login && seen.displayName === user.displayName && seen.userType === user.userType && seen.turbo === user.turbo) return userId;
    if (this.users.size >= MAX_ENTRIES) this.users.clear();
    this.users.set(userId, { login: user.login, displayName: user.displayName, userType: user.userType, turbo: user.turbo });
    this.upsertUser.run({ user_id: userId, login: user.login, display_name: user.displayName, user_type: user.userType, turbo: bit(user.turbo) });
    return userId;
  }

  /**
   * Makes sure the room row exists. A line can carry a `room-id` but no `#channel` (a PRIVMSG to a user, a
   * bare `ROOMSTATE`): its room still needs a row, or the foreign key fails and takes the whole batch with it.
   * Such a room keeps the default name ('#UNKNOWN') until a line names it; a null name never overwrites one.
   */
  room(roomId: string, name: string | null): void {
    const cached = this.rooms.get(roomId);
    if (cached !== undefined && (name === null || cached === name)) return;
    if (this.rooms.size >= MAX_ENTRIES) this.rooms.clear();
    if (name === null) {
      this.rooms.set(roomId, '');
      this.insertUnnamedRoom.run(roomId);
      return;
    }
    this.rooms.set(roomId, name);
    if (roomId.charCodeAt(0) !== 35) this.roomIdsByName.set(name, roomId);
    this.upsertRoom.run(roomId, name);
  }

  /** The Twitch id of a channel seen before with its room-id, or null. */
  roomIdByName(name: string): string | null {
    const cached = this.roomIdsByName.get(name);
    if (cached !== undefined) return cached;
    const found = this.findRoomId.get(name) as string | undefined;
    if (found === undefined) return null;
    if (this.roomIdsByName.size >= MAX_ENTRIES) this.roomIdsByName.clear();
    this.roomIdsByName.set(name, found);
    return found;
  }

  /** Upserts the user's row in the room when their badges changed, or last seen is older than the resolution. */
  userInRoom(userId: string, roomId: string, timestamp: number, user: ChatUser): void {
    let inRoom = this.userInRooms.get(roomId);
    const seen = inRoom?.get(userId);
    if (seen !== undefined && seen.badges === user.badges && seen.badgeInfo === user.badgeInfo && seen.subscriber === user.subscriber
      && seen.vip === user.vip && seen.mod === user.mod && Math.abs(timestamp - seen.written) < LAST_SEEN_RESOLUTION_MS) return;
    if (seen === undefined) {
      if (this.userInRoomEntries >= MAX_ENTRIES) {
        this.clearUserInRooms();
        inRoom = undefined;
      }
      this.userInRoomEntries++;
    }
    if (inRoom === undefined) this.userInRooms.set(roomId, (inRoom = new Map()));
    inRoom.set(userId, { badges: user.badges, badgeInfo: user.badgeInfo, subscriber: user.subscriber, vip: user.vip, mod: user.mod, written: timestamp });
    this.upsertUserInRoom.run({ user_id: userId, room_id: roomId, timestamp, ...roomState(user) });
  }

  /** Forgets everything (after a rolled-back transaction the cache may describe rows that were never written). */
  clear(): void {
    this.users.clear();
    this.rooms.clear();
    this.roomIdsByName.clear();
    this.clearUserInRooms();
  }

  private clearUserInRooms(): void {
    this.userInRooms.clear();
    this.userInRoomEntries = 0;
  }
}
