// `saltmine collect`: record chat from Twitch (or any server speaking its dialect, such as
// `saltmine simulate`) into the database until SIGINT/SIGTERM or `quit`.
import type { Command } from 'commander';
import { addConfigOptions, type SaltmineConfig } from '../config.js';
import { parseServerUrl } from '../collector/transport.js';
import { formatStatusLine } from '../collector/console.js';
import { createLogger, logDestination, type Logger } from '../log.js';
import { CliError } from './errors.js';
import { configFromFlags, intOption } from './options.js';
import { Recording, type RecordingOptions } from './recording.js';

export interface CollectFlags extends Record<string, unknown> {
  server?: string;
  statusEvery?: string;
  console?: boolean;
}

/** Adds the flags `collect` and `run` share. */
export function addCollectOptions(command: Command): Command {
  addConfigOptions(command, ['config', 'channels', 'db', 'nickname', 'tokenFile', 'logLevel']);
  return command
    .option('--server <url>', 'IRC server: ircs://host:port (TLS, default ircs://irc.chat.twitch.tv:6697), irc://, wss:// or ws://')
    .option('--status-every <seconds>', 'print a status line to stderr this often (0 = never)', '0')
    .option('--no-console', 'no interactive console even when stdin is a terminal');
}

/** The configuration for a recording command; errors name the file (or variable, or flag) and key. */
export function loadCollectConfig(flags: CollectFlags): { config: Readonly<SaltmineConfig>; serverUrl: string } {
  const config = configFromFlags(flags);
  const serverUrl = flags.server ?? config.irc.serverUrl;
  try {
    parseServerUrl(serverUrl);
  } catch (err) {
    throw new CliError(`${flags.server !== undefined ? '--server' : 'irc.serverUrl'}: ${(err as Error).message}`, 2);
  }
  return { config, serverUrl };
}

export interface RecordHooks {
  statusEveryMs: number;
  printStatus: (line: string) => void;
  /** Starts what runs beside the collector (the API), attaching it to the recording so it stops first. */
  afterStart?: (recording: Recording) => Promise<void>;
}

/** Records until told to stop; throws CliError for a fatal ending (wrong token, database failure). */
export async function record(options: RecordingOptions, hooks: RecordHooks): Promise<void> {
  const recording = await Recording.start(options);
  try {
    await hooks.afterStart?.(recording);
  } catch (err) {
    await recording.stop();
    throw err;
  }
  const { statusEveryMs, printStatus } = hooks;
  const timer = statusEveryMs > 0 ? setInterval(() => printStatus(formatStatusLine(recording.collector.status())), statusEveryMs) : null;
  const outcome = await recording.ended;
  if (timer !== null) clearInterval(timer);
  await recording.stop();
  if (outcome.exitCode !== 0) throw new CliError(outcome.message ?? 'stopped after an error', outcome.exitCode);
}

export function collectLogger(config: Readonly<SaltmineConfig>): Logger {
  return createLogger(config.log.level, logDestination(config.log.format));
}

export function registerCollect(program: Command): void {
  const command = program
    .command('collect')
    .description('record Twitch chat into the database (anonymous read-only unless a token is set up with `saltmine auth login`)');
  addCollectOptions(command).action(async (flags: CollectFlags) => {
    const statusEveryMs = intOption(String(flags.statusEvery ?? '0'), '--status-every', 0) * 1000;
    const { config, serverUrl } = loadCollectConfig(flags);
    const log = collectLogger(config);
    await record({ config, serverUrl, log, console: flags.console !== false && process.stdin.isTTY === true }, {
      statusEveryMs,
      printStatus: (line) => process.stderr.write(line + '\n'),
    });
  });
}
