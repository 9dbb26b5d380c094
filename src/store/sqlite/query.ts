// ListQuery → SQL → Page. Names are resolved to ids first (indexed lookups on room/user), then each
// (room id, user id) pair is one keyset query served by an index in (timestamp, serial) order. Several ids
// (a room recorded under its Twitch id and, from old logs, under a `#login` stand-in) are merged here, not
// with `IN (...)`, which would make SQLite sort every matching row before applying LIMIT.
import { isUtf8 } from 'node:buffer';
import type { Database, Statement } from 'better-sqlite3';
import { QueryError, RESOURCES, type Cursor, type JsonPage, type ListQuery, type Page, type Resource, type Row } from '../query.js';
import { rowJsonSql } from './json-select.js';
import { Utf8Scratch } from '../utf8-scratch.js';
import { LISTINGS, USERS, USERS_IN_ROOM, type Listing } from './listings.js';
import type { RawReader } from './raw-archive.js';
import { keyIndex, rowBuilder, type Columns } from './row-builder.js';

const statements = new WeakMap<Database, Map<string, Statement>>();

function prepare(db: Database, sql: string): Statement {
  let cache = statements.get(db);
  if (cache === undefined) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (statement === undefined) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/** Words → an FTS5 query of quoted phrases (all required), so no input is FTS5 syntax; `word*` keeps a prefix match. */
export function ftsQuery(text: string): string {
  return text.split(/\s+/).filter((w) => w !== '').map((word) => {
    const prefix = word.length > 1 && word.endsWith('*');
    const body = (prefix ? word.slice(0, -1) : word).replaceAll('"', '""');
    return `"${body}"${prefix ? '*' : ''}`;
  }).join(' ');
}

function normalizeRoomName(name: string): string {
  return '#' + name.replace(/^#/, '').toLowerCase();
}

/**
 * Room filter → the values to compare (ids, or `#login` names for name-keyed tables); null = no filter.
 * `= +?` here and in buildSql: SQLite (built with STAT4) would otherwise re-prepare a statement whenever the
 * bound value changes, to plan with that value's statistics (~8% of a page's CPU); equality on an indexed
 * column takes the same index either way.
 */
function resolveRoom(db: Database, listing: Listing, room: ListQuery['room']): string[] | null {
  if (room === undefined) return null;
  if (listing.roomName !== undefined) {
    if ('name' in room) return [normalizeRoomName(room.name)];
    return (prepare(db, 'SELECT room_name FROM room WHERE room_id = +?').all(room.id) as { room_name: string }[]).map((r) => r.room_name);
  }
  if ('name' in room) {
    return (prepare(db, 'SELECT room_id FROM room WHERE room_name = +?').all(normalizeRoomName(room.name)) as { room_id: string }[]).map((r) => r.room_id);
  }
  // Lines without a room-id tag (JOIN/PART, old logs) are stored under the stand-in id `#login`.
  const standIns = prepare(db, `SELECT s.room_id FROM room x JOIN room s ON s.room_id = x.room_name WHERE x.room_id = ?`).all(room.id) as { room_id: string }[];
  return [room.id, ...standIns.map((r) => r.room_id).filter((id) => id !== room.id)];
}

interface UserFilter {
  column: string;
  values: string[];
}

/** User filter → the column to compare and its values (ids or logins); null = no filter. */
function resolveUser(db: Database, listing: Listing, user: ListQuery['user']): UserFilter | null {
  if (user === undefined) return null;
  if ('login' in user) {
    const login = user.login.toLowerCase();
    if (listing.userLogin !== undefined) return { column: listing.userLogin, values: [login] };
    const ids = prepare(db, 'SELECT user_id FROM user WHERE login = +?').all(login) as { user_id: string }[];
    return { column: listing.userId!, values: ids.map((r) => r.user_id) };
  }
  if (listing.userId !== undefined) {
    // Lines without a user-id tag (old logs) are stored under the stand-in id `@login`.
    const standIns = prepare(db, `SELECT s.user_id FROM user x JOIN user s ON s.user_id = '@' || x.login WHERE x.user_id = ? AND x.login <> ''`).all(user.id) as { user_id: string }[];
    return { column: listing.userId, values: [user.id, ...standIns.map((r) => r.user_id).filter((id) => id !== user.id)] };
  }
  const logins = prepare(db, `SELECT login FROM user WHERE user_id = ? AND login <> ''`).all(user.id) as { login: string }[];
  return { column: listing.userLogin!, values: logins.map((r) => r.login) };
}

function listingFor(query: ListQuery): Listing {
  if (query.resource === 'user') return query.room === undefined ? USERS : USERS_IN_ROOM;
  if (query.resource === 'raw') throw new Error('raw lines are listed by listRaw');
  return LISTINGS[query.resource];
}

function checkFilters(query: ListQuery, listing: Listing): void {
  const spec = RESOURCES[query.resource];
  const refuse = (parameter: string, what: string) => {
    throw new QueryError(`${query.resource} cannot be filtered by ${what}`, parameter);
  };
  if (query.room !== undefined && !spec.filters.room) refuse('room', 'room');
  if (query.user !== undefined && !spec.filters.user) refuse('user', 'user');
  if ((query.fromMs !== undefined || query.toMs !== undefined) && !spec.filters.dates) refuse('dates', 'date');
  if (query.text !== undefined && !spec.filters.text) refuse('text', 'text');
  if (query.withRawLine && listing.rawId === undefined) refuse('format', 'raw line');
  if (query.after !== undefined) {
    const [time, tie] = query.after;
    // A search pages by serial alone ([serial, serial]); any other listing by (time, tie).
    const searchCursor = query.text === undefined || time === tie;
    if (!Number.isSafeInteger(time) || (listing.textTie ? typeof tie !== 'string' : !Number.isSafeInteger(tie)) || !searchCursor) {
      throw new QueryError('the cursor belongs to a different listing', 'cursor');
    }
  }
}

/**
 * How a search is read. `index`: the full-text matches newest first (rowid = serial, descending), each joined
 * to its row and checked against the other filters, stopping after one page, so no match set is built and
 * sorted. `user`: the user's rows from the user index, kept if in the match set, then sorted; chosen when the
 * user has few rows, where walking the matches could pass many others' rows before a page fills.
 */
type SearchPlan = 'index' | 'user';

/** A user with fewer rows than this is searched from the user index (one full-text lookup per row). */
const USER_SEARCH_ROWS = 5000;

function searchPlan(db: Database, listing: Listing, user: UserFilter | null): SearchPlan {
  if (user === null) return 'index';
  const count = prepare(db, `SELECT count(*) AS n FROM (SELECT 1 FROM ${listing.from} WHERE ${user.column} = ? LIMIT ${USER_SEARCH_ROWS})`);
  let rows = 0;
  for (const value of user.values) rows += (count.get(value) as { n: number }).n;
  return rows < USER_SEARCH_ROWS ? 'user' : 'index';
}

/**
 * The listing's fields as this query selects them: a field read through a join that the query's filter pins
 * (Listing.pinnedJoins) becomes a subquery on the bound id, which SQLite runs once per statement, not per row.
 */
function selectFor(listing: Listing, { hasRoom, userColumn }: ShapeSpec): Readonly<Record<string, string>> {
  const pinRoom = hasRoom && listing.pinnedJoins?.room === true && listing.roomName === undefined;
  const pinUser = userColumn !== null && listing.pinnedJoins?.user === true && userColumn === listing.userId;
  if (!pinRoom && !pinUser) return listing.select;
  const select: Record<string, string> = {};
  for (const [name, expr] of Object.entries(listing.select)) {
    let pinned = expr;
    if (pinRoom) pinned = pinned.replace(/\br\.(\w+)/g, '(SELECT $1 FROM room WHERE room_id = +@room)');
    if (pinUser) pinned = pinned.replace(/\bu\.(\w+)/g, '(SELECT $1 FROM user WHERE user_id = +@user)');
    select[name] = pinned;
  }
  return select;
}

/** `json`: the expression selected instead of the fields (the row's JSON, json-select.ts). */
function buildSql(listing: Listing, select: Readonly<Record<string, string>>, spec: ShapeSpec, json: string | null = null): string {
  const { hasRoom, userColumn, search } = spec;
  const fts = listing.fts!;
  // A search is in arrival order: its key is the serial (the full-text rowid), time and tie alike.
  const [time, tie] = search === 'index' ? [`${fts}.rowid`, `${fts}.rowid`] : search === 'user' ? ['t.serial', 't.serial'] : listing.key;
  const fields = json === null ? Object.entries(select).map(([name, expr]) => `${expr} AS "${name}"`) : [`${json} AS _j`];
  fields.push(`${time} AS _k`, `${tie} AS _t`);
  if (spec.withRawLine) fields.push(`${listing.rawId} AS _r`);
  const where: string[] = [];
  if (search === 'index') where.push(`${fts} MATCH @text`, `t.serial = ${fts}.rowid`);
  // One lookup per row would cost ~40 µs (~5 ms for a prefix); the match set is built once at ~55 ns a match.
  if (search === 'user') where.push(`t.serial IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH @text)`);
  if (hasRoom) where.push(listing.roomName ?? `${listing.roomId} = +@room`);
  if (userColumn !== null) where.push(`${userColumn} = +@user`);
  const [rowTime] = listing.key;
  if (spec.from) where.push(`${listing.fromTime ?? rowTime} >= +@fromMs`);
  if (spec.to) where.push(`${listing.toTime ?? rowTime} < +@toMs`);
  const desc = spec.order === 'desc';
  const cmp = desc ? '<' : '>';
  if (spec.after) {
    // Written as a range on the time column plus a tie check, so the index range does the work.
    where.push(time === tie ? `${time} ${cmp} +@afterTie` : `${time} ${cmp}= +@afterTime AND (${time} ${cmp} +@afterTime OR ${tie} ${cmp} +@afterTie)`);
  }
  const dir = desc ? 'DESC' : 'ASC';
  // CROSS JOIN keeps the full-text index the outer loop; `+` keeps the user path on the user index (then sorted).
  const from = search === 'index' ? `${fts} CROSS JOIN ${listing.from}` : listing.from;
  const order = search === 'index' ? `${time} ${dir}` : search === 'user' ? `+${time} ${dir}` : `${time} ${dir}, ${tie} ${dir}`;
  // `+@limit`: a bare parameter in LIMIT makes SQLite prepare the statement again on every run (as STAT4 does
  // for `= ?`, see resolveRoom), which was every API request; the plans here never depend on the limit's value.
  return `SELECT ${fields.join(', ')} FROM ${from}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY ${order} LIMIT +@limit OFFSET +@offset`;
}

/** The room and user values one statement run binds. */
interface Pair {
  room?: string;
  user?: string;
}

/** A list query ready to run: its shape's statements, and the values each run binds. */
interface Prepared {
  shape: Shape;
  /** The room/user values of each statement run; empty when a filter matches nothing. */
  pairs: Pair[];
  named: Record<string, unknown>;
}

/**
 * Everything a list statement's SQL depends on, and nothing else: queries with the same spec run the same
 * statements with other values. SQL is built from a spec only (selectFor, buildSql), so no value of one
 * request can end up in the statement another one runs.
 */
interface ShapeSpec {
  resource: Resource;
  order: ListQuery['order'];
  hasRoom: boolean;
  /** The column the user filter compares, or null without one. */
  userColumn: string | null;
  search: SearchPlan | null;
  from: boolean;
  to: boolean;
  after: boolean;
  withRawLine: boolean;
}

function shapeSpecOf(query: ListQuery, hasRoom: boolean, userColumn: string | null, search: SearchPlan | null): ShapeSpec {
  return {
    resource: query.resource, order: query.order, hasRoom, userColumn, search,
    from: query.fromMs !== undefined, to: query.toMs !== undefined, after: query.after !== undefined, withRawLine: query.withRawLine === true,
  };
}

/** A list statement and its JSON twins for one shape of query; the twins are made on first use. */
interface Shape {
  spec: ShapeSpec;
  statement: Statement;
  /** The fields each row array starts with, in order. */
  names: readonly string[];
  /** The same statement returning each row's JSON (json-select.ts) then the sort key, or null (a `json` field). */
  json(): Statement | null;
  /** The JSON statement as one row for the whole page (pageSql), or null where there is no JSON statement. */
  jsonPage(): Statement | null;
}

/**
 * Per connection, per spec (every field of it, in the order shapeSpecOf writes them). Building the SQL text
 * (~4 KB with its JSON) and looking it up on every request cost ~40 µs, ~7% of a 100-row page.
 */
const shapes = new WeakMap<Database, Map<string, Shape>>();

function shapeOf(db: Database, listing: Listing, spec: ShapeSpec): Shape {
  let cache = shapes.get(db);
  if (cache === undefined) shapes.set(db, (cache = new Map()));
  const key = Object.values(spec).join(' ');
  let shape = cache.get(key);
  if (shape === undefined) cache.set(key, (shape = newShape(db, listing, spec)));
  return shape;
}

function newShape(db: Database, listing: Listing, spec: ShapeSpec): Shape {
  const select = selectFor(listing, spec);
  const statement = db.prepare(buildSql(listing, select, spec)).raw(true);
  let json: Statement | null | undefined;
  let page: Statement | null | undefined;
  const shape: Shape = {
    spec,
    statement,
    names: Object.keys(listing.select),
    json() {
      if (json === undefined) {
        const declared = new Map(statement.columns().map((c) => [c.name, c.type]));
        const expr = writesIsoTimes(db) ? rowJsonSql(RESOURCES[spec.resource].fields, select, declared) : null;
        json = expr === null ? null : db.prepare(buildSql(listing, select, spec, expr)).raw(true);
      }
      return json;
    },
    jsonPage() {
      if (page === undefined) {
        const twin = shape.json();
        page = twin === null ? null : db.prepare(pageSql(twin.source));
      }
      return page;
    },
  };
  return shape;
}

const isoTimes = new WeakMap<Database, boolean>();

/**
 * Whether this SQLite writes times as json-select.ts needs ('subsec', SQLite 3.42+). better-sqlite3 bundles a
 * newer one; a build against an older system SQLite gets NULL there, so it takes the ordinary path instead.
 */
function writesIsoTimes(db: Database): boolean {
  let ok = isoTimes.get(db);
  if (ok === undefined) isoTimes.set(db, (ok = db.prepare("SELECT datetime(0.001, 'unixepoch', 'subsec')").pluck().get() === '1970-01-01 00:00:00.001'));
  return ok;
}

function prepareList(db: Database, query: ListQuery): Prepared {
  const listing = listingFor(query);
  checkFilters(query, listing);
  const rooms = resolveRoom(db, listing, query.room);
  const user = resolveUser(db, listing, query.user);
  const search = query.text === undefined ? null : searchPlan(db, listing, user);
  const shape = shapeOf(db, listing, shapeSpecOf(query, rooms !== null, user?.column ?? null, search));
  const pairs: Pair[] = [];
  for (const room of rooms ?? [undefined]) {
    for (const value of user?.values ?? [undefined]) {
      pairs.push({ ...(room === undefined ? {} : { room }), ...(value === undefined ? {} : { user: value }) });
    }
  }
  const named: Record<string, unknown> = { limit: query.limit + 1, offset: query.offset ?? 0 };
  if (query.fromMs !== undefined) named['fromMs'] = query.fromMs;
  if (query.toMs !== undefined) named['toMs'] = query.toMs;
  if (query.text !== undefined) named['text'] = ftsQuery(query.text);
  if (query.after !== undefined) {
    named['afterTime'] = query.after[0];
    named['afterTie'] = query.after[1];
  }
  return { shape, pairs, named };
}

/** EXPLAIN QUERY PLAN of the statement a query runs (its first room/user pair), one detail line per step. */
export function explainList(db: Database, query: ListQuery): string[] {
  const { shape: { statement, spec }, pairs, named } = prepareList(db, query);
  // A filter that matches nothing runs no statement; the plan is the same for any value.
  const pair = pairs[0] ?? { ...(spec.hasRoom ? { room: '' } : {}), ...(spec.userColumn !== null ? { user: '' } : {}) };
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement.source}`).all({ ...named, ...pair }) as { detail: string }[];
  return plan.map((step) => step.detail);
}

function compareKeys(at: number): (a: Columns, b: Columns) => number {
  return (a, b) => {
    const ka = a[at] as number;
    const kb = b[at] as number;
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ta = a[at + 1] as number | string;
    const tb = b[at + 1] as number | string;
    return ta === tb ? 0 : ta < tb ? -1 : 1;
  };
}

/** One page of statement rows (sort key at `key`), merged over the room/user pairs, and where the next starts. */
function fetchPage(statement: Statement, prepared: Prepared, query: ListQuery, key: number): { found: Columns[]; next: Cursor | null } {
  const { pairs, named } = prepared;
  if (pairs.length === 0) return { found: [], next: null };
  let found: Columns[];
  if (pairs.length === 1) {
    found = statement.all({ ...named, ...pairs[0] }) as Columns[];
  } else {
    // Each id's best offset+limit+1 rows hold the merged page's rows.
    const offset = query.offset ?? 0;
    const perPair = { ...named, limit: offset + query.limit + 1, offset: 0 };
    const merged: Columns[] = [];
    for (const pair of pairs) merged.push(...(statement.all({ ...perPair, ...pair }) as Columns[]));
    const ascending = compareKeys(key);
    merged.sort(query.order === 'desc' ? (a, b) => ascending(b, a) : ascending);
    found = merged.slice(offset, offset + query.limit + 1);
  }
  const more = found.length > query.limit;
  if (more) found.length = query.limit;
  const last = found[found.length - 1];
  return { found, next: more && last !== undefined ? [last[key] as number, last[key + 1] as number | string] : null };
}

/** Runs a ListQuery against an open database; `raw` reads the archived lines. */
export function listRows(db: Database, raw: RawReader, query: ListQuery): Page {
  if (query.resource === 'raw') return listRaw(raw, query);
  const prepared = prepareList(db, query);
  const { names, statement } = prepared.shape;
  const key = keyIndex(names);
  const { found, next } = fetchPage(statement, prepared, query, key);
  const lines = query.withRawLine ? raw.lines(found.map((r) => r[key + 2] as number)) : null;
  return { rows: found.map(rowBuilder(names, RESOURCES[query.resource].fields, lines)), next };
}

/**
 * A page with each row as its JSON, written by SQLite (json-select.ts), or null where this query or one of
 * the page's values needs the ordinary path (listRows and the API's encoder).
 */
export function listJsonRows(db: Database, query: ListQuery): JsonPage | null {
  if (query.resource === 'raw' || query.withRawLine) return null;
  const prepared = prepareList(db, query);
  if (prepared.pairs.length === 0) return { json: Buffer.alloc(0), count: 0, next: null };
  if (prepared.pairs.length === 1) {
    const statement = prepared.shape.jsonPage();
    return statement === null ? null : jsonPageOf(statement.get({ ...prepared.named, ...prepared.pairs[0] }) as JsonPageRow, query.limit);
  }
  const statement = prepared.shape.json();
  if (statement === null) return null;
  const page = fetchPage(statement, prepared, query, 1);
  jsonScratch.reset();
  for (let i = 0; i < page.found.length; i++) {
    const json = page.found[i]![0] as string | null;
    if (json === null) return null;
    jsonScratch.put(i === 0 ? json : ',' + json);
  }
  return { json: jsonScratch.copy(), count: page.found.length, next: page.next };
}

/** The row of a page statement (pageSql). */
interface JsonPageRow {
  json: Buffer | null;
  rows: number;
  exact: number;
  times: string;
  ties: string;
  /** Each row's JSON in bytes. */
  sizes: string;
}

/**
 * One statement run as a whole page, for a query with one room/user pair: the limit + 1 rows' JSON joined
 * by SQLite into one BLOB, so no row crosses into JavaScript as a string to be encoded again (~10% of a
 * page's CPU), with the count, how many rows SQL could write exactly, and the sort keys to make the cursor of.
 * The rows arrive in the inner statement's order: SQLite runs a subquery with a LIMIT under an aggregate as a
 * co-routine, row by row.
 */
function pageSql(rowsSql: string): string {
  // Read only from rows SQL wrote (a row it could not write may hold a BLOB, which JSON cannot).
  const each = (value: string) => `json_group_array(CASE WHEN _j IS NOT NULL THEN ${value} END)`;
  return `SELECT CAST(group_concat(_j, ',') AS BLOB) AS json, count(*) AS rows, count(_j) AS exact, ${each('_k')} AS times, ${each('_t')} AS ties, ${each('octet_length(_j)')} AS sizes FROM (${rowsSql})`;
}

function jsonPageOf(row: JsonPageRow, limit: number): JsonPage | null {
  if (row.exact < row.rows) return null;
  if (row.json === null) return { json: Buffer.alloc(0), count: 0, next: null };
  // A page statement reads limit + 1 rows: the last, if there, only says that more follow. It is cut off by
  // the sizes of the rows before it (plus their commas), never by looking for where it starts: `,{"` ends
  // any string value that ends in `,{`.
  const more = row.rows > limit;
  let json = row.json;
  if (more) {
    const sizes = JSON.parse(row.sizes) as number[];
    let end = limit - 1;
    for (let i = 0; i < limit; i++) end += sizes[i]!;
    json = json.subarray(0, end);
  }
  // Text another program stored as invalid UTF-8 is decoded as the ordinary path decodes its values, into the
  // same replacement characters (a row's text used to cross as a string and was decoded on the way).
  if (!isUtf8(json)) json = jsonScratch.reset().put(json.toString('utf8')).copy();
  if (!more) return { json, count: row.rows, next: null };
  const times = JSON.parse(row.times) as number[];
  const ties = JSON.parse(row.ties) as (number | string)[];
  return { json, count: limit, next: [times[limit - 1]!, ties[limit - 1]!] };
}

/** A JSON page's bytes when written in JavaScript: merged from several statements, or decoded again (utf8-scratch.ts). */
const jsonScratch = new Utf8Scratch(1 << 17);

/** The raw archive in arrival order (line ids grow with arrival); the cursor is [line id, line id]. */
function listRaw(raw: RawReader, query: ListQuery): Page {
  if (query.room !== undefined || query.user !== undefined || query.text !== undefined) {
    throw new QueryError('raw lines can be filtered by date only', query.room ? 'room' : query.user ? 'user' : 'text');
  }
  const after = query.after;
  if (after !== undefined && (!Number.isSafeInteger(after[0]) || after[0] !== after[1])) {
    throw new QueryError('the cursor belongs to a different listing', 'cursor');
  }
  const lines = raw.scan({
    startMs: query.fromMs ?? null,
    endMs: query.toMs === undefined ? null : query.toMs - 1,
    order: query.order,
    afterId: after === undefined ? null : after[0],
  });
  const rows: Row[] = [];
  let skip = query.offset ?? 0;
  let more = false;
  try {
    for (const line of lines) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (rows.length === query.limit) {
        more = true;
        break;
      }
      rows.push({ id: line.id, timestamp: line.receivedMs, line: line.line });
    }
  } finally {
    lines.return(undefined);
  }
  const last = rows[rows.length - 1];
  return { rows, next: more && last !== undefined ? [last['id'] as number, last['id'] as number] : null };
}
