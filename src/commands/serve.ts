// `saltmine serve`: the REST API over an existing database, read-only (a collector may be writing to the
// same file meanwhile: WAL readers never block it). Prints one line on stdout when ready.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { addConfigOptions } from '../config.js';
import { corsFromOrigins, startApi } from '../api/server.js';
import { createLogger, logDestination } from '../log.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ReadPool, readThreadCount } from '../store/sqlite/read-pool.js';
import { CliError } from './errors.js';
import { configFromFlags } from './options.js';

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('serve a database over the REST API (read-only; docs at /docs)');
  addConfigOptions(command, ['config', 'db', 'host', 'port', 'cors', 'logLevel']).action(async (flags: Record<string, unknown>) => {
    const config = configFromFlags(flags);
    const { host, port, corsOrigins } = config.api;
    const db = config.database.path;
    if (!existsSync(db)) throw new CliError(`--db: no database at ${db} (record or import one first)`, 2);
    let store: SqliteStore;
    try {
      store = openSqliteStore(db, { readonly: true });
      store.useReadPool(new ReadPool(db, readThreadCount(config.api.readThreads)));
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
    const log = createLogger(config.log.level, logDestination(config.log.format));
    let api;
    try {
      api = await startApi({ store, host, port, cors: corsFromOrigins(corsOrigins), log });
    } catch (err) {
      await store.close();
      throw new CliError(`cannot listen on ${host}:${port}: ${(err as Error).message}`, 1);
    }
    // Signals are listened for before the ready line (see simulate.ts).
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    process.stdout.write(`listening on ${api.url}\n`);
    log.info({ url: api.url, db, docs: `${api.url}/docs` }, 'API ready');
    await stopped;
    await api.close();
    await store.close();
  });
}
