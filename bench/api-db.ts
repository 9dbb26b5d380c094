// The API benchmark's database: generated chat (generate.ts) written through the real store (SqliteStore.write,
// the same rows, raw blocks and reference upserts as live data), made fast the way any bulk load is:
// secondary indexes are dropped during the load and rebuilt after it, the full-text index is built in one
// pass at the end, and commits skip fsync. The result is the schema a collector would have produced.
// Generation takes minutes at 10M messages, so the file is cached by recipe (sizes and the generator's code)
// and reused while they are unchanged; the time it took is kept beside it. A reused file is opened once
// through the store first, which applies any newer schema migration, as it would to a user's database.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { ReceivedLine } from '../src/store/store.js';
import { parseEvent } from '../src/twitch/map.js';
import { ChatGenerator, type GeneratedChannel, type GeneratedUser } from './generate.js';
import { corpusLines } from './paths.js';
import type { BenchContext } from './result.js';

/** The code that decides what ends up in the database: a change to it makes a new database. */
// The schema too: a cached file made by another checkout is then never migrated under it by this one.
const RECIPE_FILES = [new URL('./generate.js', import.meta.url), new URL('./api-db.js', import.meta.url), new URL('../src/store/sqlite/schema.js', import.meta.url)];
const START_MS = Date.UTC(2024, 0, 1);
const SPAN_MS = 30 * 86_400_000;
const BATCH = 20_000;

export interface ApiDatabaseSpec {
  messages: number;
  channels: number;
  users: number;
}

export interface ApiDatabase extends ApiDatabaseSpec {
  path: string;
  /** Seconds the generation took (when it was made; possibly in an earlier run). */
  generationSeconds: number;
  createdAt: string;
  reused: boolean;
  channelList: GeneratedChannel[];
  /** A sample of users, busiest first (the generator's skew puts the most active at low indices). */
  userSample: GeneratedUser[];
  startMs: number;
  endMs: number;
}

interface Meta {
  generationSeconds: number;
  createdAt: string;
  lines: number;
  endMs: number;
}

function recipeKey(spec: ApiDatabaseSpec): string {
  const hash = createHash('sha256').update(JSON.stringify(spec));
  for (const file of RECIPE_FILES) hash.update(readFileSync(file));
  const digest = hash.digest('hex').slice(0, 12);
  return `api-${spec.messages}-${spec.channels}-${spec.users}-${digest}`;
}

async function generate(path: string, spec: ApiDatabaseSpec, generator: ChatGenerator, ctx: BenchContext): Promise<Meta> {
  const started = Date.now();
  const store = openSqliteStore(path, { search: false });
  const db = store.db;
  // A bulk load: durability per commit buys nothing here (a crash means regenerating).
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576');
  // Indexes are built once at the end, except privmsg's (room_id, timestamp) index: the writer looks every
  // message up in it (de-duplication), and without it each lookup would scan the table.
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name != 'privmsg_room_time'").all() as Array<{ name: string; sql: string }>;
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);

  let lines = 0;
  let privmsg = 0;
  let lastLog = Date.now();
  // One write in flight while the next batch is generated: the store compresses the raw block on the
  // thread pool, so generation overlaps it instead of waiting.
  let writing: Promise<unknown> = Promise.resolve();
  while (privmsg < spec.messages) {
    const batch: ReceivedLine[] = [];
    while (batch.length < BATCH && privmsg < spec.messages) {
      const line = generator.next();
      const event = parseEvent(line);
      if (event.type === 'privmsg') privmsg++;
      batch.push({ line, receivedMs: event.tmiSentTs ?? generator.lastTimeMs });
    }
    lines += batch.length;
    await writing;
    writing = store.write(batch);
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      ctx.log(`api: generating: ${privmsg.toLocaleString('en-US')} of ${spec.messages.toLocaleString('en-US')} messages`);
    }
  }
  await writing;
  ctx.log('api: rebuilding indexes and the full-text index');
  for (const { sql } of indexes) db.exec(sql);
  db.exec("INSERT INTO privmsg_fts (privmsg_fts) VALUES ('rebuild')");
  db.exec('ANALYZE');
  await store.close();
  return { generationSeconds: Math.round((Date.now() - started) / 1000), createdAt: new Date().toISOString(), lines, endMs: generator.lastTimeMs };
}

/** The database for `spec`, from the cache or generated now. */
export async function apiDatabase(ctx: BenchContext, spec: ApiDatabaseSpec): Promise<ApiDatabase> {
  const key = recipeKey(spec);
  const path = join(ctx.cacheDir, `${key}.db`);
  const metaPath = join(ctx.cacheDir, `${key}.json`);
  const generator = new ChatGenerator(corpusLines(), { channels: spec.channels, users: spec.users, startMs: START_MS, stepMs: SPAN_MS / spec.messages });
  let meta: Meta;
  let reused = false;
  if (existsSync(path) && existsSync(metaPath)) {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    reused = true;
    await openSqliteStore(path).close();
    ctx.log(`api: reusing ${path} (generated in ${meta.generationSeconds} s on ${meta.createdAt})`);
  } else {
    ctx.log(`api: generating ${spec.messages.toLocaleString('en-US')} messages into ${path}`);
    const partial = path + '.partial';
    for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
    meta = await generate(partial, spec, generator, ctx);
    renameSync(partial, path);
    writeFileSync(metaPath, JSON.stringify(meta, null, 2) + '\n');
    ctx.log(`api: generated in ${meta.generationSeconds} s`);
  }
  return {
    ...spec,
    path,
    generationSeconds: meta.generationSeconds,
    createdAt: meta.createdAt,
    reused,
    channelList: generator.channels,
    userSample: generator.users.slice(0, 1000),
    startMs: START_MS,
    endMs: meta.endMs,
  };
}
