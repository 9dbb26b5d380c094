// `saltmine serve --db PATH`: the REST API over an existing database, read-only (a collector may be
// writing to the same file meanwhile: WAL readers never block it). Prints one line on stdout when ready.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, startApi } from '../api/server.js';
import { createLogger } from '../log.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { CliError } from './errors.js';
import { intOption, listOption } from './options.js';
import { defaultDbPath } from './paths.js';

interface ServeFlags {
  db: string;
  host: string;
  port: string;
  cors?: string | true;
}

/** `--cors` alone allows any origin; `--cors a,b` exactly those origins. */
function corsOption(value: string | true | undefined): boolean | string[] {
  if (value === undefined) return false;
  if (value === true) return true;
  const origins = listOption(value);
  if (origins.length === 0) throw new CliError('--cors: expected a comma-separated list of origins', 2);
  return origins;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve a database over the REST API (read-only; docs at /docs)')
    .option('--db <path>', 'SQLite database file', defaultDbPath())
    .option('--host <host>', 'address to listen on', DEFAULT_HOST)
    .option('--port <port>', 'port (0 = any free port)', String(DEFAULT_PORT))
    .option('--cors [origins]', 'allow cross-origin requests: from any origin, or only from these comma-separated origins')
    .action(async (flags: ServeFlags) => {
      const port = intOption(flags.port, '--port', 0, 65535);
      const cors = corsOption(flags.cors);
      if (!existsSync(flags.db)) throw new CliError(`--db: no database at ${flags.db} (record or import one first)`, 2);
      let store: SqliteStore;
      try {
        store = openSqliteStore(flags.db, { readonly: true });
      } catch (err) {
        throw new CliError((err as Error).message, 2);
      }
      const log = createLogger();
      let api;
      try {
        api = await startApi({ store, host: flags.host, port, cors, log });
      } catch (err) {
        await store.close();
        throw new CliError(`cannot listen on ${flags.host}:${port}: ${(err as Error).message}`, 1);
      }
      process.stdout.write(`listening on ${api.url}\n`);
      log.info({ url: api.url, db: flags.db, docs: `${api.url}/docs` }, 'API ready');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await api.close();
      await store.close();
    });
}
