// Command-line flags shared by every subcommand that reads the configuration. A command picks the flags
// that make sense for it; their values reach loadConfig() as the highest-precedence source.
import type { Command } from 'commander';
import type { LoadConfigOptions } from './load.js';
import type { ConfigFlags } from './sources.js';
import { flagName, SETTINGS } from './settings.js';

const DESCRIPTIONS: Record<string, string> = {
  config: 'config file (default: config/config.json; env SALTMINE_CONFIG)',
  nickname: 'Twitch login to connect as',
  channels: 'channels to record, comma-separated',
  db: 'SQLite database file (default: ./data/saltmine.db)',
  ircUrl: 'IRC server URL (default: ircs://irc.chat.twitch.tv:6697)',
  host: 'API listen address (default: 127.0.0.1)',
  port: 'API port (default: 5000)',
  cors: 'allow cross-origin requests from these comma-separated origins, or * for any (default: off)',
  clientId: 'Twitch application client id',
  tokenFile: 'OAuth token file (default: keyz/token.json)',
  logLevel: 'fatal, error, warn, info, debug, trace or silent',
};

const VALUE_NAMES: Record<string, string> = { config: 'file', channels: 'list', db: 'path', tokenFile: 'path', port: 'number', logLevel: 'level', clientId: 'id', ircUrl: 'url', nickname: 'login', host: 'address', cors: 'origins' };

/** The flag names a command may ask for: `config` plus every setting that has a flag. */
export type ConfigFlagName = 'config' | 'nickname' | 'channels' | 'db' | 'ircUrl' | 'host' | 'port' | 'cors' | 'clientId' | 'tokenFile' | 'logLevel';

/** Adds `--config <file>`, `--db <path>`, … to a commander command. */
export function addConfigOptions(command: Command, names: readonly ConfigFlagName[]): Command {
  for (const name of names) {
    if (name !== 'config' && !SETTINGS.some((s) => s.flag === name)) throw new Error(`no config flag named ${name}`);
    command.option(`${flagName(name)} <${VALUE_NAMES[name] ?? 'value'}>`, DESCRIPTIONS[name] ?? name);
  }
  return command;
}

/** Commander's parsed options → the loadConfig() options they stand for. */
export function configOptions(opts: Record<string, unknown>): Pick<LoadConfigOptions, 'flags' | 'configPath'> {
  const flags: Record<string, string> = {};
  for (const setting of SETTINGS) {
    const value = setting.flag === undefined ? undefined : opts[setting.flag];
    if (typeof value === 'string') flags[setting.flag!] = value;
  }
  const configPath = typeof opts['config'] === 'string' ? opts['config'] : undefined;
  return configPath === undefined ? { flags: flags as ConfigFlags } : { flags: flags as ConfigFlags, configPath };
}
