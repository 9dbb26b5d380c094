// Every output format of a list route, over real HTTP: json pages, and ndjson/csv/raw/text streams that
// carry the same rows. raw gives back the imported lines byte for byte.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCursor } from '../../src/api/cursor.js';
import { presentRow } from '../../src/api/formats.js';
import { RESOURCES } from '../../src/store/query.js';
import { listOf, serve, type Rows, type Served } from './harness.js';
import { privmsgLine, syntheticEvents, USERS } from './synthetic.js';

const EVENTS = syntheticEvents();
/** Text that needs CSV quoting, a /me action and non-ASCII, in one more room. */
const TRICKY = [
  privmsgLine({ id: 'f0000000-0000-4000-8000-000000000001', room: { id: '1009', login: 'quoting' }, user: USERS[0]!, ts: Date.UTC(2024, 5, 1, 10), text: 'a "quoted", comma; and 👉 emoji' }),
  privmsgLine({ id: 'f0000000-0000-4000-8000-000000000002', room: { id: '1009', login: 'quoting' }, user: USERS[1]!, ts: Date.UTC(2024, 5, 1, 11), text: '\x01ACTION waves\x01' }),
  privmsgLine({ id: 'f0000000-0000-4000-8000-000000000003', room: { id: '1009', login: 'quoting' }, user: USERS[2]!, ts: Date.UTC(2024, 5, 1, 12), text: 'line\\nwith backslash' }),
];

/** A USERNOTICE without a table of its own: its tags are a JSON field. */
const RITUAL = '@badge-info=;badges=;color=;display-name=Ritualist;emotes=;flags=;id=f0000000-0000-4000-8000-000000000009;login=ritualist;mod=0;msg-id=ritual;msg-param-ritual-name=new_chatter;room-id=1009;subscriber=0;system-msg=@Ritualist\\sis\\snew\\shere!;tmi-sent-ts=1717236000000;user-id=2009;user-type= :tmi.twitch.tv USERNOTICE #quoting :HeyGuys';

let served: Served;
before(async () => {
  served = await serve('formats', [...EVENTS.map((e) => e.line), ...TRICKY, RITUAL]);
});
after(() => served.close());

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the CSV ends with a line break');
  return rows;
}

async function jsonRows(query: string): Promise<Rows> {
  const { status, json } = await served.get(`/api/messages?${query}`);
  assert.equal(status, 200);
  return listOf(json, 'messages').rows;
}

describe('formats', () => {
  it('a json page is byte for byte JSON.stringify of the store\'s page as the API presents it', async () => {
    for (const [path, key, query] of [
      ['/api/messages?room-name=quoting', 'messages', { resource: 'privmsg', room: { name: 'quoting' }, order: 'desc', limit: 100 }],
      ['/api/subs?limit=3&order=asc', 'subscriptions', { resource: 'subscription', order: 'asc', limit: 3 }],
    ] as const) {
      const { text, headers } = await served.get(path);
      assert.equal(headers.get('content-type'), 'application/json; charset=utf-8');
      const page = await served.store.list(query);
      const expected = JSON.stringify({ [key]: page.rows.map((row) => presentRow(RESOURCES[query.resource].fields, row)), count: page.rows.length, next: page.next && encodeCursor(query.order, page.next) });
      assert.equal(text, expected, path);
    }
  });

  it('json is the default and the same as format=json', async () => {
    const plain = await served.get('/api/messages?room-name=quoting');
    const explicit = await served.get('/api/messages?room-name=quoting&format=json');
    assert.match(plain.headers.get('content-type')!, /^application\/json/);
    assert.deepEqual(plain.json, explicit.json);
    assert.equal(listOf(plain.json, 'messages').rows[1]!['action'], true);
  });

  it('ndjson has one JSON object per row, the same objects as json', async () => {
    const { status, headers, text } = await served.get('/api/messages?room-name=alpha&format=ndjson');
    assert.equal(status, 200);
    assert.match(headers.get('content-type')!, /^application\/x-ndjson/);
    assert.ok(text.endsWith('\n'));
    const rows = text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
    assert.deepEqual(rows, await jsonRows('room-name=alpha&limit=10000'));
  });

  it('csv has a header row and the same values as json, quoted where needed', async () => {
    const { headers, text } = await served.get('/api/messages?room-name=quoting&format=csv');
    assert.match(headers.get('content-type')!, /^text\/csv/);
    const [header, ...cells] = parseCsv(text);
    const rows = await jsonRows('room-name=quoting');
    assert.deepEqual(header, Object.keys(rows[0]!));
    assert.equal(cells.length, rows.length);
    cells.forEach((line, i) => {
      const row = rows[i]!;
      assert.deepEqual(line, header!.map((name) => (row[name] === null ? '' : String(row[name]))));
    });
    assert.ok(cells.some((line) => line.includes('a "quoted", comma; and 👉 emoji')));
  });

  it('json, ndjson and csv give the same rows on routes with every field type (booleans, json, timestamps, nulls)', async () => {
    const routes = [['/api/messages?', 'messages'], ['/api/subscriptions?', 'subscriptions'], ['/api/mysterygifts?', 'mystery_gifts'],
      ['/api/usernotices?', 'usernotices'], ['/api/users?', 'users'], ['/api/users?room-name=alpha&', 'users'], ['/api/rooms?', 'rooms']] as const;
    for (const [path, key] of routes) {
      const { status, json } = await served.get(`${path}limit=10000`);
      assert.equal(status, 200, path);
      const rows = listOf(json, key).rows;
      assert.ok(rows.length > 0, path);
      const ndjson = (await served.get(`${path}format=ndjson`)).text;
      assert.deepEqual(ndjson.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown), rows, path);
      const [header, ...cells] = parseCsv((await served.get(`${path}format=csv`)).text);
      assert.deepEqual(header, Object.keys(rows[0]!), path);
      const cell = (value: unknown) => (value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
      assert.deepEqual(cells, rows.map((row) => header!.map((name) => cell(row[name]))), path);
    }
    const [ritual] = listOf((await served.get('/api/usernotices')).json, 'usernotices').rows;
    assert.equal((ritual!['tags'] as Record<string, string>)['msg-param-ritual-name'], 'new_chatter');
  });

  it('raw gives back exactly the imported lines of the matching rows', async () => {
    const { headers, text } = await served.get('/api/messages?room-name=bravo&user-name=two&format=raw&order=asc');
    assert.match(headers.get('content-type')!, /^text\/plain/);
    const expected = EVENTS.filter((e) => (e.kind === 'privmsg' || e.kind === 'bits') && e.room.login === 'bravo' && e.user.login === 'two')
      .sort((a, b) => a.ts - b.ts || (a.kind === b.kind ? 0 : a.kind === 'privmsg' ? -1 : 1))
      .map((e) => e.line);
    assert.deepEqual(text.split('\n').slice(0, -1), expected);
    const quoting = await served.get('/api/messages?room-name=quoting&format=raw&order=asc');
    assert.equal(quoting.text, TRICKY.join('\n') + '\n');
  });

  it('raw works on every route that stores lines (subscriptions here)', async () => {
    const { text } = await served.get('/api/subscriptions?room-id=1003&user-id=2003&format=raw&order=asc');
    const expected = EVENTS.filter((e) => e.kind === 'sub' && e.room.id === '1003' && e.user.id === '2003').map((e) => e.line);
    assert.deepEqual(text.split('\n').slice(0, -1), expected);
  });

  it('text is justlog style: [YYYY-MM-DD HH:MM:SS] #channel user: text', async () => {
    const { headers, text } = await served.get('/api/messages?room-name=quoting&format=text&order=asc');
    assert.match(headers.get('content-type')!, /^text\/plain/);
    assert.deepEqual(text.split('\n'), [
      '[2024-06-01 10:00:00] #quoting xx_one: a "quoted", comma; and 👉 emoji',
      '[2024-06-01 11:00:00] #quoting two: waves',
      '[2024-06-01 12:00:00] #quoting three: line\\nwith backslash',
      '',
    ]);
    const subs = await served.get('/api/subs?room-name=alpha&user-name=two&start-date=2024-01-15T00:00:00.000Z&end-date=2024-01-15T00:00:00.000Z&format=text');
    assert.equal(subs.text, `[2024-01-15 00:00:00] #alpha Two subscribed at Tier 1. ${EVENTS.find((e) => e.kind === 'sub' && e.room.login === 'alpha' && e.user.login === 'two' && e.ts === Date.UTC(2024, 0, 15))!.text}\n`);
  });

  it('streams honour filters, order and limit', async () => {
    const { text } = await served.get('/api/messages?user-id=2002&format=ndjson&order=asc&limit=7');
    const streamed = text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    assert.deepEqual(streamed, await jsonRows('user-id=2002&order=asc&limit=7'));
  });

  it('an empty result is an empty body (csv: just the header)', async () => {
    assert.equal((await served.get('/api/messages?room-name=nobody&format=ndjson')).text, '');
    assert.equal((await served.get('/api/messages?room-name=nobody&format=raw')).text, '');
    assert.match((await served.get('/api/messages?room-name=nobody&format=csv')).text, /^serial,timestamp,[a-z_,]+\r\n$/);
  });

  it('a format a route cannot give is a 400 naming the formats it can', async () => {
    const { status, json } = await served.get('/api/rooms?format=raw');
    assert.equal(status, 400);
    assert.match((json as { message: string }).message, /format=raw .*json, ndjson, csv/);
  });
});
