// Every filter combination of every event listing is served by an index on a database the size the
// project is designed for: the planner is given the statistics of 10 million rows per table (sqlite_stat1,
// as ANALYZE would write them) and EXPLAIN QUERY PLAN must show an index search on the filtered column,
// in (timestamp, serial) order — no table scan, no sort of the matching rows.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESOURCES, type ListQuery, type Resource } from '../../../src/store/query.js';
import { LISTINGS, USERS_IN_ROOM, type Listing } from '../../../src/store/sqlite/listings.js';
import { explainList } from '../../../src/store/sqlite/query.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

const ROWS = 10_000_000;
/** Rows per distinct value: ~100 rooms, ~500,000 users, nearly unique timestamps. */
const PER_VALUE: Readonly<Record<string, number>> = { room_id: 100_000, user_id: 20, username: 20, login: 20, target_user_id: 20, target_login: 20, timestamp: 2 };

/**
 * Tables of one row per room or per collector event, small by nature: a scan of them is the plan. (Users
 * without a room filter are read in rowid order, a scan that stops at the page's end.)
 */
const SMALL: ReadonlySet<string> = new Set(['roomstate', 'gap', 'channel_state', 'room']);

const dir = mkdtempSync(join(tmpdir(), 'saltmine-plan-'));
const path = join(dir, 'plan.db');
let store: SqliteStore;

before(() => {
  const writer = openSqliteStore(path);
  const db = writer.db;
  db.exec('ANALYZE');
  db.exec('DELETE FROM sqlite_stat1');
  const indexes = db.prepare(`SELECT tbl_name AS tbl, name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL`).all() as { tbl: string; name: string }[];
  const insert = db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
  for (const { tbl, name } of indexes) {
    const columns = (db.prepare(`SELECT name FROM pragma_index_info(?)`).all(name) as { name: string }[]).map((c) => c.name);
    const unique = (db.prepare(`SELECT "unique" AS u FROM pragma_index_list(?) WHERE name = ?`).get(tbl, name) as { u: number }).u === 1;
    const perPrefix = columns.map((column, i) => (unique && i === columns.length - 1 ? 1 : Math.max(1, Math.round((PER_VALUE[column] ?? 1000) / 2 ** i))));
    insert.run(tbl, name, [ROWS, ...perPrefix].join(' '));
  }
  writer.close();
  store = openSqliteStore(path);
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Combo { name: string; query: Partial<ListQuery> }

function combos(resource: Resource): Combo[] {
  const { filters } = RESOURCES[resource];
  const rooms = filters.room ? [{ id: '1001' }, { name: 'alpha' }] : [undefined];
  const users = filters.user ? [{ id: '2001' }, { login: 'one' }] : [undefined];
  const dates = filters.dates ? [{}, { fromMs: 1_700_000_000_000 }, { fromMs: 1_700_000_000_000, toMs: 1_700_000_100_000 }] : [{}];
  const cursors = [{}, { after: [1_700_000_050_000, resource === 'user' ? '2001' : 12345] as const }];
  const out: Combo[] = [];
  for (const room of rooms) for (const user of users) for (const date of dates) for (const cursor of cursors) {
    if (resource === 'user' && room === undefined) continue;
    const query: Partial<ListQuery> = { ...(room ? { room } : {}), ...(user ? { user } : {}), ...date, ...cursor };
    out.push({ name: JSON.stringify(query), query });
  }
  if (filters.text) {
    out.push(
      { name: 'text', query: { text: 'hello' } },
      { name: 'text + room', query: { text: 'hello', room: { id: '1001' } } },
      { name: 'text + user', query: { text: 'hello', user: { id: '2001' } } },
    );
  }
  return out;
}

const column = (expr: string | undefined) => expr?.replace(/^t\./, '');

/** The columns an index search must constrain: the filtered room/user column, else the time column. */
function expectedColumns(listing: Listing, query: Partial<ListQuery>): string[] {
  const wanted: string[] = [];
  if (query.room) wanted.push(column(listing.roomId)!);
  if (query.user) wanted.push(column(('login' in query.user ? listing.userLogin : undefined) ?? listing.userId ?? listing.userLogin)!);
  if (wanted.length === 0 && (query.fromMs !== undefined || query.after !== undefined)) wanted.push(column(listing.key[0])!);
  return wanted;
}

describe('query plans at 10 million rows', () => {
  const resources = [...Object.keys(LISTINGS), 'user'].filter((r) => !SMALL.has(r)) as Resource[];
  for (const resource of resources) {
    it(`${resource}: every filter combination searches an index, in order`, () => {
      for (const { name, query } of combos(resource)) {
        const full: ListQuery = { resource, order: 'desc', limit: 100, ...query };
        const plan = explainList(store.readDb, full);
        const listing = resource === 'user' ? USERS_IN_ROOM : LISTINGS[resource as keyof typeof LISTINGS];
        const main = plan.find((step) => /^(SCAN|SEARCH) t\b/.test(step));
        const context = `${resource} ${name}:\n  ${plan.join('\n  ')}`;
        assert.ok(main !== undefined, context);
        assert.ok(!/^SCAN t$/.test(main) && !/^SCAN t /.test(main) || /USING (COVERING )?INDEX/.test(main), `no table scan: ${context}`);
        if (query.text !== undefined) {
          // Search reads the full-text matches in rowid order, each joined by primary key; a user with few
          // rows (this empty database) is read from the user index instead.
          if (query.user !== undefined) assert.match(main, /^SEARCH t USING INDEX \w+_user_time \(user_id=\?\)/, context);
          else assert.ok(plan[0]!.startsWith('SCAN privmsg_fts VIRTUAL TABLE') && /^SEARCH t USING INTEGER PRIMARY KEY/.test(main), context);
          continue;
        }
        assert.ok(!plan.some((step) => step.includes('TEMP B-TREE')), `no sort: ${context}`);
        const wanted = expectedColumns(listing, query);
        if (wanted.length === 0) {
          assert.match(main, /^SCAN t USING (COVERING )?INDEX \w+_time$/, `newest first from the time index: ${context}`);
        } else {
          assert.match(main, /^SEARCH t USING (COVERING )?(INDEX \w+|PRIMARY KEY) \(/, context);
          assert.ok(wanted.some((c) => main.includes(`(${c}=`) || main.includes(`(${c}>`) || main.includes(`(${c}<`)), `the index constrains ${wanted.join(' or ')}: ${context}`);
        }
      }
    });
  }

  it('the small tables answer every filter combination', async () => {
    for (const resource of [...SMALL, 'user'] as Resource[]) {
      for (const { query } of combos(resource)) {
        const page = await store.list({ resource, order: 'desc', limit: 10, ...query, ...(resource === 'room' ? { after: undefined } : {}) });
        assert.deepEqual(page, { rows: [], next: null });
      }
    }
  });
});
