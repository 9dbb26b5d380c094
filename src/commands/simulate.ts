// `saltmine simulate`: the Twitch chat simulator as a standalone server, for tests, benchmarks and
// trying the collector without Twitch. Prints exactly one line on stdout when ready.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TwitchSimulator, type SimulatorOptions } from '../sim/simulator.js';
import { parseJoinLimit } from '../sim/join-window.js';
import { createLogger } from '../log.js';
import { CliError } from './errors.js';
import { intOption, listOption } from './options.js';

interface SimulateFlags {
  host: string;
  port: string;
  corpus?: string;
  rate: string;
  limit?: string;
  channels?: string;
  joinLimit: string | false;
  reconnectEvery?: string;
  reconnectGrace: string;
  dropEvery?: string;
  silentAfter?: string;
  delay: string;
  serverPing: string;
  rejectToken?: boolean;
  tlsKey?: string;
  tlsCert?: string;
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`${flag}: cannot read ${path}: ${(err as Error).message}`, 2);
  }
}

export function simulatorOptions(flags: SimulateFlags): SimulatorOptions {
  let joinLimit: SimulatorOptions['joinLimit'] = null;
  if (flags.joinLimit !== false) {
    try {
      joinLimit = parseJoinLimit(flags.joinLimit);
    } catch (err) {
      throw new CliError(`--join-limit: ${(err as Error).message}`, 2);
    }
  }
  if ((flags.tlsKey === undefined) !== (flags.tlsCert === undefined)) throw new CliError('--tls-key and --tls-cert go together', 2);
  return {
    host: flags.host,
    port: intOption(flags.port, '--port', 0, 65535),
    ...(flags.corpus !== undefined ? { corpus: flags.corpus } : {}),
    rate: intOption(flags.rate, '--rate', 0),
    limit: flags.limit === undefined ? Infinity : intOption(flags.limit, '--limit', 0),
    channels: flags.channels === undefined ? null : listOption(flags.channels),
    joinLimit,
    reconnectGraceMs: intOption(flags.reconnectGrace, '--reconnect-grace', 0),
    responseDelayMs: intOption(flags.delay, '--delay', 0),
    serverPingMs: intOption(flags.serverPing, '--server-ping', 0),
    rejectTokens: flags.rejectToken === true,
    tls: flags.tlsKey !== undefined && flags.tlsCert !== undefined ? { key: readPem(flags.tlsKey, '--tls-key'), cert: readPem(flags.tlsCert, '--tls-cert') } : null,
  };
}

/** Fault schedules from flags: each a repeating timer on the simulator. */
function scheduleFaults(sim: TwitchSimulator, flags: SimulateFlags, log: ReturnType<typeof createLogger>): NodeJS.Timeout[] {
  const timers: NodeJS.Timeout[] = [];
  if (flags.reconnectEvery !== undefined) {
    const ms = intOption(flags.reconnectEvery, '--reconnect-every', 1);
    timers.push(setInterval(() => { log.info('fault: RECONNECT to every connection'); sim.sendReconnect(); }, ms));
  }
  if (flags.dropEvery !== undefined) {
    const ms = intOption(flags.dropEvery, '--drop-every', 1);
    timers.push(setInterval(() => { log.info('fault: dropping every connection'); sim.dropConnections(); }, ms));
  }
  if (flags.silentAfter !== undefined) {
    const ms = intOption(flags.silentAfter, '--silent-after', 0);
    timers.push(setTimeout(() => { log.info('fault: open connections go silent'); sim.goSilent(); }, ms));
  }
  return timers;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run a local Twitch chat simulator (IRC over TCP, and WebSocket on the same port) replaying a corpus of real lines')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '6667')
    .option('--corpus <file>', 'IRC lines to replay (default: the packaged xqcow-2019-09-15.log)')
    .option('--rate <n>', 'lines per second per channel, 0 = as fast as clients read', '0')
    .option('--limit <n>', 'stop each channel after N lines (default: loop forever)')
    .option('--channels <list>', 'comma-separated channels that exist; others answer msg_channel_suspended (default: any)')
    .option('--join-limit <count/window>', "enforce Twitch's JOIN rate limit by dropping excess JOINs", '20/10s')
    .option('--no-join-limit', 'accept every JOIN')
    .option('--reconnect-every <ms>', 'fault: send RECONNECT to every connection this often')
    .option('--reconnect-grace <ms>', 'after RECONNECT, close the connection this much later', '2000')
    .option('--drop-every <ms>', 'fault: drop every connection this often')
    .option('--silent-after <ms>', 'fault: connections open at that time go silent (no lines, no PONG)')
    .option('--delay <ms>', 'fault: handle each client line this much later', '0')
    .option('--server-ping <ms>', 'send PING to each client this often (0 = never)', '0')
    .option('--reject-token', 'fault: refuse every oauth login (Login authentication failed)')
    .option('--tls-key <file>', 'serve TLS with this PEM key (with --tls-cert)')
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate (with --tls-key)')
    .action(async (flags: SimulateFlags) => {
      const log = createLogger();
      let sim: TwitchSimulator;
      try {
        sim = new TwitchSimulator(simulatorOptions(flags));
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError((err as Error).message, 2);
      }
      try {
        await sim.listen();
      } catch (err) {
        throw new CliError(`cannot listen on ${flags.host}:${flags.port}: ${(err as Error).message}`, 1);
      }
      const timers = scheduleFaults(sim, flags, log);
      sim.on('room-done', (channel: string) => log.info({ channel }, 'channel reached --limit'));
      // Listening for the signals before announcing readiness: whoever waits for the ready line may stop us at
      // once, and a signal with no listener yet would kill the process instead of closing the simulator.
      const stopped = new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write(`listening on ${sim.url}\n`);
      log.info({ url: sim.url, ws: sim.wsUrl, corpus: sim.corpus.path, lines: sim.corpus.templates.length }, 'simulator ready');
      await stopped;
      for (const timer of timers) clearTimeout(timer);
      await sim.close();
    });
}
