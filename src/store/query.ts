// The read side of the store: what can be listed, with which filters, and the shape of its rows.
// This is the contract between the API and every backend; SQL lives in store/sqlite/query.ts.
import { NOTICE_KINDS, type NoticeKind } from '../twitch/usernotice.js';

/** How a field is typed in rows: timestamps are ms since the epoch (the API renders them as ISO 8601). */
export type FieldType = 'integer' | 'string' | 'boolean' | 'timestamp' | 'json';
export type FieldTypes = Readonly<Record<string, FieldType>>;

export interface ResourceSpec {
  fields: FieldTypes;
  /** Which filters a resource understands; asking for another is a QueryError. */
  filters: { room: boolean; user: boolean; dates: boolean; text: boolean };
  /** Rows carry the original IRC line (`withRawLine`). */
  rawLine: boolean;
}

const EVENT: FieldTypes = { serial: 'integer', timestamp: 'timestamp', tmi_sent_ts: 'integer', received_ms: 'integer', room_id: 'string', room_name: 'string' };
const CHATTER: FieldTypes = { user_id: 'string', login: 'string', display_name: 'string' };
const ALL = { room: true, user: true, dates: true, text: false };
const ROOM_ONLY = { room: true, user: false, dates: true, text: false };

const FIELD_TYPE = { str: 'string', int: 'integer', bool: 'boolean' } as const;

/** A USERNOTICE table: the shared notice columns plus its kind's msg-param columns (usernotice.ts). */
function noticeSpec(kind: NoticeKind, extra: FieldTypes = {}): ResourceSpec {
  const params: Record<string, FieldType> = {};
  for (const [name, [type]] of Object.entries(NOTICE_KINDS[kind])) params[name] = FIELD_TYPE[type];
  return {
    fields: {
      ...EVENT, ...CHATTER, msg_id: 'string', msg_type: 'string', source_msg_id: 'string', source_room_id: 'string',
      system_msg: 'string', msg_content: 'string', ...params, ...extra,
    },
    filters: ALL,
    rawLine: true,
  };
}

export const RESOURCES = {
  privmsg: {
    fields: {
      ...EVENT, ...CHATTER, message_id: 'string', msg_content: 'string', action: 'boolean', bits: 'integer', msg_type: 'string',
      color: 'string', first_msg: 'boolean', returning_chatter: 'boolean', flags: 'string', emotes: 'string',
      custom_reward_id: 'string', source_message_id: 'string', source_room_id: 'string',
      reply_user_id: 'string', reply_user_login: 'string', reply_display_name: 'string', reply_msg_id: 'string', reply_msg_body: 'string',
      thread_user_id: 'string', thread_user_login: 'string', thread_msg_id: 'string',
    },
    filters: { room: true, user: true, dates: true, text: true },
    rawLine: true,
  },
  bits: {
    fields: { ...EVENT, ...CHATTER, message_id: 'string', source_room_id: 'string', bits: 'integer', msg_content: 'string' },
    filters: ALL,
    rawLine: true,
  },
  announcement: noticeSpec('announcement'),
  subscription: noticeSpec('subscription'),
  subgift: noticeSpec('subgift'),
  submysterygift: noticeSpec('submysterygift'),
  bitsbadgetier: noticeSpec('bitsbadgetier'),
  raid: noticeSpec('raid'),
  viewermilestone: noticeSpec('viewermilestone'),
  payforward: noticeSpec('payforward'),
  paidupgrade: noticeSpec('paidupgrade'),
  onetapgift: noticeSpec('onetapgift'),
  usernotice: noticeSpec('other', { tags: 'json' }),
  roomstate_change: {
    fields: { ...EVENT, emote_only: 'boolean', followers_only: 'integer', r9k: 'boolean', slow: 'integer', subs_only: 'boolean' },
    filters: ROOM_ONLY,
    rawLine: true,
  },
  roomstate: {
    fields: { room_id: 'string', room_name: 'string', timestamp: 'timestamp', emote_only: 'boolean', followers_only: 'integer', r9k: 'boolean', slow: 'integer', subs_only: 'boolean' },
    filters: ROOM_ONLY,
    rawLine: false,
  },
  userlist: {
    fields: { ...EVENT, username: 'string', join_part: 'string' },
    filters: ALL,
    rawLine: true,
  },
  clearchat: {
    fields: { ...EVENT, target_user_id: 'string', target_login: 'string', ban_duration: 'integer' },
    filters: ALL,
    rawLine: true,
  },
  clearmsg: {
    fields: { ...EVENT, login: 'string', target_msg_id: 'string', msg_content: 'string' },
    filters: ALL,
    rawLine: true,
  },
  notice: {
    fields: { ...EVENT, msg_id: 'string', target_user_id: 'string', msg_content: 'string' },
    filters: ROOM_ONLY,
    rawLine: true,
  },
  whisper: {
    fields: { serial: 'integer', timestamp: 'timestamp', tmi_sent_ts: 'integer', received_ms: 'integer', ...CHATTER, message_id: 'string', thread_id: 'string', recipient: 'string', msg_content: 'string' },
    filters: { room: false, user: true, dates: true, text: false },
    rawLine: true,
  },
  /** The raw archive: every received line, in arrival order. Lines are stored compressed by time, not by room. */
  raw: {
    fields: { id: 'integer', timestamp: 'timestamp', line: 'string' },
    filters: { room: false, user: false, dates: true, text: false },
    rawLine: false,
  },
  gap: {
    fields: { id: 'integer', timestamp: 'timestamp', end_timestamp: 'timestamp', channels: 'json', reason: 'string' },
    filters: ROOM_ONLY,
    rawLine: false,
  },
  channel_state: {
    fields: { channel: 'string', state: 'string', detail: 'string', timestamp: 'timestamp' },
    filters: ROOM_ONLY,
    rawLine: false,
  },
  /** Without a room filter: every user, in the order first seen. With one: users seen there, by last seen, with their badges there. */
  user: {
    fields: {
      user_id: 'string', login: 'string', display_name: 'string', user_type: 'string', turbo: 'boolean',
      room_id: 'string', room_name: 'string', badges: 'string', badge_info: 'string', subscriber: 'boolean', sub_streak: 'integer',
      vip: 'boolean', mod: 'boolean', first_seen: 'timestamp', timestamp: 'timestamp',
    },
    filters: { room: true, user: true, dates: false, text: false },
    rawLine: false,
  },
  room: {
    fields: { room_id: 'string', room_name: 'string' },
    filters: { room: true, user: false, dates: false, text: false },
    rawLine: false,
  },
} as const satisfies Record<string, ResourceSpec>;

export type Resource = keyof typeof RESOURCES;

/** A position in a listing: the sort key of the last row seen (timestamp and tie-breaker for events). */
export type Cursor = readonly [number, number | string];

export type RowValue = string | number | boolean | null | object;
export type Row = Record<string, RowValue>;

export interface ListQuery {
  resource: Resource;
  /** A room by Twitch id or by `#login`/`login` (any case). */
  room?: { id: string } | { name: string };
  /** A user by Twitch id or by login (any case). */
  user?: { id: string } | { login: string };
  /** Inclusive lower bound, ms since the epoch. */
  fromMs?: number;
  /** Exclusive upper bound, ms since the epoch. */
  toMs?: number;
  /** Full-text search: whitespace-separated words, all of which must occur; `word*` matches a prefix. */
  text?: string;
  order: 'asc' | 'desc';
  limit: number;
  /** Rows to skip (seed compatibility; a cursor is the way to page). */
  offset?: number;
  /** Continue after this position (from a previous page's `next`). */
  after?: Cursor;
  /** Add the original IRC line as `raw_line` (resources with `rawLine`; `raw` rows are lines already). */
  withRawLine?: boolean;
}

export interface Page {
  rows: Row[];
  /** Where the next page starts, or null when this page is the last. */
  next: Cursor | null;
}

/** A page whose rows are already JSON: each is JSON.stringify of the row with its timestamps as ISO 8601
 *  (toISOString), fields in the resource's order. */
export interface JsonPage {
  /**
   * The rows' JSON, comma-separated, in UTF-8: the bytes between a page's `[` and `]`. A buffer of its own,
   * so a read thread hands it over without a copy (read-pool.ts) and the API sends it as it is.
   */
  json: Uint8Array;
  count: number;
  next: Cursor | null;
  /**
   * Present when `json` lies in a buffer lent for this page (sqlite/page-arena.ts): `before` and `after` bytes
   * around it are free for the page's head and tail, and `release` gives the buffer back, to be called once
   * the response is sent (until then the bytes must stay as they are).
   */
  frame?: { before: number; after: number; release(): void };
}

/** A query the store cannot answer as asked (unsupported filter, cursor of another listing); the API answers 400. */
export class QueryError extends Error {
  constructor(message: string, readonly parameter: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/** The read methods every store backend implements. */
export interface StoreReader {
  list(query: ListQuery): Promise<Page>;
  /** The page with its rows as JSON, where the backend can write it (faster); null: use list(). */
  listJson?(query: ListQuery): Promise<JsonPage | null>;
}

/**
 * Every row of a query as a sequence of pages of `chunk` rows, each fetched by keyset from where the last
 * ended. Memory stays constant however many rows match, and no read transaction stays open between chunks
 * (a long-lived SQLite iterator would pin the WAL and block the writer's connection).
 */
export async function* streamRows(reader: StoreReader, query: ListQuery, chunk = 1000): AsyncGenerator<Row[]> {
  let remaining = query.limit;
  let next: ListQuery = query;
  while (remaining > 0) {
    const page = await reader.list({ ...next, limit: Math.min(chunk, remaining) });
    if (page.rows.length > 0) yield page.rows;
    remaining -= page.rows.length;
    if (page.next === null) return;
    next = { ...query, offset: undefined, after: page.next };
  }
}
