// How each listable resource (store/query.ts) is read from SQLite: its FROM clause, the SQL behind each
// field, its sort key and the columns its filters compare. Only constant SQL here; values are always bound.
import { RESOURCES, type Resource } from '../query.js';

export interface Listing {
  /** FROM clause; the listed table is aliased `t`. */
  from: string;
  /** Field → SQL expression, for every field of the resource. */
  select: Readonly<Record<string, string>>;
  /** Sort key: time (integer) and a unique tie-breaker; an index must deliver rows in this order. */
  key: readonly [string, string];
  /** The tie-breaker is TEXT (cursors then carry a string). */
  textTie?: boolean;
  /** Column compared with resolved room ids. */
  roomId?: string;
  /** Condition on `@room`, bound to a `#login` room name, for tables keyed by channel name. */
  roomName?: string;
  /** Column compared with resolved user ids. */
  userId?: string;
  /** Column compared with lower-case logins. */
  userLogin?: string;
  /** Columns date bounds apply to (default: the sort key's time). */
  fromTime?: string;
  toTime?: string;
  /** Expression giving the raw archive id of a row's original line (raw-archive.ts). */
  rawId?: string;
  /** FTS5 table over the listed table's text whose rowid is the row's serial: search reads it in rowid order. */
  fts?: string;
  /**
   * LEFT JOINs on the filtered column: `room r` on roomId, `user u` on userId. With that filter every row has
   * the same `r.`/`u.` values, so a query reads them once (query.ts) and SQLite leaves the join out.
   */
  pinnedJoins?: { room?: true; user?: true };
}

type Overrides = Record<string, string>;

function selectAll(resource: Resource, overrides: Overrides): Record<string, string> {
  const select: Record<string, string> = {};
  for (const field of Object.keys(RESOURCES[resource].fields)) select[field] = overrides[field] ?? `t."${field}"`;
  return select;
}

const ROOM_JOIN = 'LEFT JOIN room r ON r.room_id = t.room_id';
const USER_JOIN = 'LEFT JOIN user u ON u.user_id = t.user_id';
const NAMES = { room_name: 'r.room_name', login: 'u.login', display_name: 'u.display_name' };

/** An event table with room_id, timestamp and serial (indexes (room_id, timestamp), (timestamp), (user, timestamp)). */
function event(resource: Resource, table: string, user: { id?: string; login?: string } | null, overrides: Overrides = {}): Listing {
  const joinsUser = user?.id === 't.user_id';
  return {
    from: `"${table}" t ${ROOM_JOIN}${joinsUser ? ' ' + USER_JOIN : ''}`,
    select: selectAll(resource, { ...NAMES, ...overrides }),
    key: ['t.timestamp', 't.serial'],
    roomId: 't.room_id',
    ...(user?.id ? { userId: user.id } : {}),
    ...(user?.login ? { userLogin: user.login } : {}),
    rawId: 't.raw_id',
    pinnedJoins: joinsUser ? { room: true, user: true } : { room: true },
  };
}

const CHATTER = { id: 't.user_id' };
/** USERNOTICE tables keep the display name the line carried; the user table has the latest. */
const NOTICE = { display_name: 'coalesce(t.display_name, u.display_name)' };

export const LISTINGS: Readonly<Record<Exclude<Resource, 'user' | 'raw'>, Listing>> = {
  privmsg: { ...event('privmsg', 'privmsg', CHATTER), fts: 'privmsg_fts' },
  // A cheer and its message come from one line: same room and time, found through privmsg's (room_id, timestamp) index.
  bits: event('bits', 'bits', CHATTER, { msg_content: '(SELECT p.msg_content FROM privmsg p WHERE p.room_id = t.room_id AND p.timestamp = t.timestamp AND p.message_id = t.message_id)' }),
  announcement: event('announcement', 'announcement', CHATTER, NOTICE),
  subscription: event('subscription', 'subscription', CHATTER, NOTICE),
  subgift: event('subgift', 'subgift', CHATTER, NOTICE),
  submysterygift: event('submysterygift', 'submysterygift', CHATTER, NOTICE),
  bitsbadgetier: event('bitsbadgetier', 'bitsbadgetier', CHATTER, NOTICE),
  raid: event('raid', 'raid', CHATTER, NOTICE),
  viewermilestone: event('viewermilestone', 'viewermilestone', CHATTER, NOTICE),
  payforward: event('payforward', 'payforward', CHATTER, NOTICE),
  paidupgrade: event('paidupgrade', 'paidupgrade', CHATTER, NOTICE),
  onetapgift: event('onetapgift', 'onetapgift', CHATTER, NOTICE),
  usernotice: event('usernotice', 'usernotice', CHATTER, NOTICE),
  roomstate_change: event('roomstate_change', 'roomstate_change', null),
  userlist: event('userlist', 'userlist', { login: 't.username' }, { room_name: 'coalesce(r.room_name, t.room_name)' }),
  clearchat: event('clearchat', 'clearchat', { id: 't.target_user_id', login: 't.target_login' }),
  clearmsg: event('clearmsg', 'clearmsg', { login: 't.login' }, { login: 't.login' }),
  notice: event('notice', 'notice', null, { room_name: 'coalesce(r.room_name, t.room_name)' }),
  whisper: { ...event('whisper', 'whisper', CHATTER), from: `whisper t ${USER_JOIN}`, roomId: undefined, pinnedJoins: { user: true } },
  // One row per room, small: no time index needed.
  roomstate: {
    from: `roomstate t ${ROOM_JOIN}`,
    select: selectAll('roomstate', { room_name: 'r.room_name' }),
    key: ['t.timestamp', 't.rowid'],
    roomId: 't.room_id',
    pinnedJoins: { room: true },
  },
  // A gap matches a date range it overlaps; an open gap (end_ms null) lasts until now.
  gap: {
    from: 'gap t',
    select: selectAll('gap', { timestamp: 't.start_ms', end_timestamp: 't.end_ms' }),
    key: ['t.start_ms', 't.id'],
    roomName: 'EXISTS (SELECT 1 FROM json_each(t.channels) WHERE json_each.value = @room)',
    fromTime: 'coalesce(t.end_ms, 8640000000000000)',
    toTime: 't.start_ms',
  },
  channel_state: {
    from: 'channel_state t',
    select: selectAll('channel_state', { timestamp: 't.updated_ms' }),
    key: ['t.updated_ms', 't.rowid'],
    roomName: 't.channel = @room',
  },
  room: {
    from: 'room t',
    select: selectAll('room', {}),
    key: ['t.rowid', 't.rowid'],
    roomId: 't.room_id',
  },
};

const NO_ROOM = { room_id: 'NULL', room_name: 'NULL', badges: 'NULL', badge_info: 'NULL', subscriber: 'NULL', sub_streak: 'NULL', vip: 'NULL', mod: 'NULL', first_seen: 'NULL', timestamp: 'NULL' };

/** Users without a room filter: the user table in the order first seen. */
export const USERS: Listing = {
  from: 'user t',
  select: selectAll('user', NO_ROOM),
  key: ['t.rowid', 't.rowid'],
  userId: 't.user_id',
};

/** Users seen in a room, by last seen there (index user_in_room_room: room_id, timestamp, then the key user_id). */
export const USERS_IN_ROOM: Listing = {
  from: 'user_in_room t JOIN user u ON u.user_id = t.user_id LEFT JOIN room r ON r.room_id = t.room_id',
  select: selectAll('user', {
    user_id: 't.user_id', login: 'u.login', display_name: 'u.display_name', user_type: 'u.user_type', turbo: 'u.turbo', room_name: 'r.room_name',
  }),
  key: ['t.timestamp', 't.user_id'],
  textTie: true,
  roomId: 't.room_id',
  userId: 't.user_id',
};
