// `saltmine status --db PATH`: what the database holds — channels and their state, rows per table, the
// last gaps. Read-only, so it works while a collector is writing (WAL).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { addConfigOptions } from '../config.js';
import type { StoreStatus } from '../store/store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { CliError } from './errors.js';
import { configFromFlags } from './options.js';

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

export function formatStoreStatus(status: StoreStatus, path: string): string {
  const out: string[] = [`database: ${path}`, `last line received: ${iso(status.lastReceivedMs)}`, '', 'rows:'];
  const width = Math.max(...Object.keys(status.tables).map((t) => t.length));
  for (const [table, count] of Object.entries(status.tables)) out.push(`  ${table.padEnd(width)}  ${count}`);
  out.push('', `channels (${status.channels.length}):`);
  for (const c of status.channels) out.push(`  ${c.channel}  ${c.state}${c.detail ? ` (${c.detail})` : ''}  since ${iso(c.updatedMs)}`);
  out.push('', `last gaps (${status.lastGaps.length}):`);
  for (const g of status.lastGaps) {
    const length = g.endMs === null ? 'open' : `${((g.endMs - g.startMs) / 1000).toFixed(1)} s`;
    out.push(`  ${iso(g.startMs)}  ${length}  ${g.channels.join(',')}  ${g.reason}`);
  }
  return out.join('\n');
}

export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description('show channels, rows per table and the last gaps from a database (also while collecting)')
    .option('--json', 'print JSON instead of text');
  addConfigOptions(command, ['config', 'db'])
    .action(async (flags: { json?: boolean }) => {
      const db = configFromFlags(flags).database.path;
      if (!existsSync(db)) throw new CliError(`--db: no database at ${db}`, 2);
      let store;
      try {
        store = openSqliteStore(db, { readonly: true });
      } catch (err) {
        throw new CliError((err as Error).message, 2);
      }
      try {
        const status = await store.status();
        process.stdout.write((flags.json ? JSON.stringify(status) : formatStoreStatus(status, db)) + '\n');
      } finally {
        await store.close();
      }
    });
}
