// `saltmine run` (what `npm start` does): the collector and the REST API in one process, over one
// database. Stop order: API → collector → writer drain → store close.
import type { Command } from 'commander';
import { addConfigOptions } from '../config.js';
import { corsFromOrigins, startApi } from '../api/server.js';
import { ReadPool, readThreadCount } from '../store/sqlite/read-pool.js';
import { CliError } from './errors.js';
import { intOption } from './options.js';
import { addCollectOptions, collectLogger, loadCollectConfig, record, type CollectFlags } from './collect.js';

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('record Twitch chat and serve it over the REST API (host and port from config api.*, or --host/--port)');
  addConfigOptions(addCollectOptions(command), ['host', 'port', 'cors']).action(async (flags: CollectFlags) => {
    const statusEveryMs = intOption(String(flags.statusEvery ?? '0'), '--status-every', 0) * 1000;
    const { config, serverUrl } = loadCollectConfig(flags);
    const log = collectLogger(config);
    await record({ config, serverUrl, log, console: flags.console !== false && process.stdin.isTTY === true }, {
      statusEveryMs,
      printStatus: (line) => process.stderr.write(line + '\n'),
      afterStart: async (recording) => {
        const { host, port, corsOrigins, readThreads } = config.api;
        recording.store.useReadPool(new ReadPool(recording.store.path, readThreadCount(readThreads)));
        let api;
        try {
          api = await startApi({ store: recording.store, host, port, cors: corsFromOrigins(corsOrigins), log });
        } catch (err) {
          throw new CliError(`cannot listen on ${host}:${port}: ${(err as Error).message}`, 1);
        }
        recording.attach(api);
        process.stdout.write(`listening on ${api.url}\n`);
        log.info({ url: api.url, docs: `${api.url}/docs` }, 'API ready');
      },
    });
  });
}
