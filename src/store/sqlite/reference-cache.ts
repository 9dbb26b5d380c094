// Upserts of `user`, `room` and `user_in_room`, skipped when nothing changed since the last write.
// Most lines come from users already seen in this batch or the last minute; without the cache every
// PRIVMSG would cost three extra statements.
import type { Database, Statement } from 'better-sqlite3';
import type { ChatUser } from '../../twitch/events.js';

/** user_in_room.timestamp (last seen) is refreshed at most this often per (user, room) unless badges change. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;
/** Entries kept before a cache is cleared (bounded memory on month-long runs). */
const MAX_ENTRIES = 500_000;

export interface UserInRoom {
  badges: string;
  badge_info: string;
  subscriber: number;
  sub_streak: number;
  vip: number;
  mod: number;
}

/** Columns that describe the user's latest state: an older line (an old log imported later) leaves them be. */
const LATEST = ['badges', 'badge_info', 'subscriber', 'sub_streak', 'vip', 'mod'];

export class ReferenceCache {
  private readonly users = new Map<string, string>();
  private readonly rooms = new Map<string, string>();
  /** `#login` → Twitch room id, for lines that name a channel but carry no room-id (JOIN, PART, NOTICE, old logs). */
  private readonly roomIdsByName = new Map<string, string>();
  private readonly findRoomId: Statement;
  private readonly userInRooms = new Map<string, { signature: string; written: number }>();
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
    const turbo = user.turbo === null ? null : user.turbo ? 1 : 0;
    const signature = `${user.login}\u0000${user.displayName}\u0000${user.userType}\u0000${turbo}`;
    if (this.users.get(userId) === signature) return userId;
    if (this.users.size >= MAX_ENTRIES) this.users.clear();
    this.users.set(userId, signature);
    this.upsertUser.run({ user_id: userId, login: user.login, display_name: user.displayName, user_type: user.userType, turbo });
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

  userInRoom(userId: string, roomId: string, timestamp: number, state: UserInRoom): void {
    const key = userId + '\u0000' + roomId;
    const signature = `${state.badges}\u0000${state.badge_info}\u0000${state.subscriber}\u0000${state.sub_streak}\u0000${state.vip}\u0000${state.mod}`;
    const cached = this.userInRooms.get(key);
    if (cached !== undefined && cached.signature === signature && Math.abs(timestamp - cached.written) < LAST_SEEN_RESOLUTION_MS) return;
    if (this.userInRooms.size >= MAX_ENTRIES) this.userInRooms.clear();
    this.userInRooms.set(key, { signature, written: timestamp });
    this.upsertUserInRoom.run({ user_id: userId, room_id: roomId, timestamp, ...state });
  }

  /** Forgets everything (after a rolled-back transaction the cache may describe rows that were never written). */
  clear(): void {
    this.users.clear();
    this.rooms.clear();
    this.roomIdsByName.clear();
    this.userInRooms.clear();
  }
}
