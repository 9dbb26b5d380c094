// `saltmine demo`: the simulator and the collector in one process, so a newcomer without a Twitch
// account or network sees chat being recorded within seconds. Nothing of the user's config is read.
import type { Command } from 'commander';
import { DEFAULTS, type SaltmineConfig } from '../config.js';
import { TwitchSimulator } from '../sim/simulator.js';
import { createLogger } from '../log.js';
import { record } from './collect.js';
import { CliError } from './errors.js';
import { intOption, listOption } from './options.js';
import { resolve } from 'node:path';
import type { StoreReader } from '../store/query.js';

interface DemoFlags {
  db: string;
  channels: string;
  rate: string;
  duration?: string;
  corpus?: string;
  statusEvery: string;
  show: string;
}

/**
 * A few of the newest messages stored since the last call, one line each, so the newcomer sees real chat
 * arrive in the database (read back through the store, not echoed from the socket).
 */
function newestMessages(store: StoreReader, count: number): () => Promise<string[]> {
  let shownUpToMs = 0;
  return async () => {
    const page = await store.list({ resource: 'privmsg', order: 'desc', limit: count, fromMs: shownUpToMs + 1 });
    const rows = page.rows.reverse();
    const last = rows.at(-1);
    if (last !== undefined) shownUpToMs = Number(last['timestamp']);
    return rows.map((row) => {
      const text = `  ${String(row['room_name'])}  ${String(row['display_name'] ?? row['login'])}: ${String(row['msg_content'])}`;
      return text.length > 110 ? text.slice(0, 109) + '…' : text;
    });
  };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('record chat from a local Twitch simulator: no account, no network needed')
    .option('--db <path>', 'SQLite database file for the demo', './data/demo.db')
    .option('--channels <list>', 'channels the simulator plays', 'demo_one,demo_two,demo_three')
    .option('--rate <n>', 'lines per second per channel (0 = as fast as possible)', '25')
    .option('--duration <seconds>', 'stop by itself after this long (default: run until Ctrl-C)')
    .option('--corpus <file>', 'IRC lines to replay (default: the packaged xqcow-2019-09-15.log)')
    .option('--status-every <seconds>', 'how often to print a status line', '2')
    .option('--show <n>', 'stored messages to print after each status line (0 = none)', '3')
    .action(async (flags: DemoFlags) => {
      const channels = listOption(flags.channels);
      if (channels.length === 0) throw new CliError('--channels: name at least one channel', 2);
      const rate = intOption(flags.rate, '--rate', 0);
      const durationMs = flags.duration === undefined ? null : intOption(flags.duration, '--duration', 1) * 1000;
      const statusEveryMs = intOption(flags.statusEvery, '--status-every', 1) * 1000;
      const show = intOption(flags.show, '--show', 0);
      let sim: TwitchSimulator;
      try {
        sim = new TwitchSimulator({ rate, stagger: true, ...(flags.corpus !== undefined ? { corpus: flags.corpus } : {}) });
      } catch (err) {
        throw new CliError((err as Error).message, 2);
      }
      await sim.listen();
      const config: SaltmineConfig = structuredClone(DEFAULTS);
      config.channels = channels.map((c) => (c.startsWith('#') ? c : '#' + c).toLowerCase());
      config.database.path = resolve(flags.db);
      config.irc.serverUrl = sim.url;
      const log = createLogger(process.env['SALTMINE_LOG_LEVEL'] ?? 'warn');
      process.stdout.write(
        `saltmine demo: a Twitch chat simulator on ${sim.url} replays ${sim.corpus.path} at ${rate === 0 ? 'full speed' : `${rate} lines/s per channel`};\n` +
          `recording ${config.channels.join(', ')} into ${config.database.path}. ${durationMs === null ? 'Ctrl-C to stop.' : `Stopping after ${durationMs / 1000} s.`}\n`,
      );
      let stopTimer: NodeJS.Timeout | null = null;
      let sample: (() => Promise<string[]>) | null = null;
      const printStatus = (line: string): void => {
        process.stdout.write(line + '\n');
        sample?.().then(
          (lines) => lines.length > 0 && process.stdout.write(lines.join('\n') + '\n'),
          () => undefined, // the store is closing: the status line said enough
        );
      };
      try {
        await record(
          { config, serverUrl: sim.url, log, anonymous: true, console: false, collector: { reconnect: { minMs: 200, maxMs: 5_000 } } },
          {
            statusEveryMs,
            printStatus,
            afterStart: async (recording) => {
              if (show > 0) sample = newestMessages(recording.store, show);
              if (durationMs !== null) stopTimer = setTimeout(() => recording.finish(0, null), durationMs);
            },
          },
        );
      } finally {
        if (stopTimer !== null) clearTimeout(stopTimer);
        await sim.close();
      }
      process.stdout.write(`done. Look at it: saltmine status --db ${flags.db}   or   saltmine serve --db ${flags.db}\n`);
    });
}
