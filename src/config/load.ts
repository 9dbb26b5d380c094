// The one configuration loader. Precedence, highest first:
//   overrides (programmatic) > flags > environment (SALTMINE_*, then .env) > config/config.json
//   > keyz/credentials.key > defaults.
// The result is validated once and frozen; runtime state (tokens, joined channels) never goes back into it.
import { join, resolve } from 'node:path';
import { redactSecrets, registerSecret } from '../log.js';
import { ConfigError } from './errors.js';
import type { ConfigSource } from './schema.js';
import {
  displayPath, readConfigFile, readCredentialsFile, readDotenv, readEnvironment, readFlags, readOverrides,
  type ConfigFlags, type Source,
} from './sources.js';
import { BOOTSTRAP_ENV } from './settings.js';
import { DEFAULTS, type DeepPartial, type SaltmineConfig } from './types.js';

export interface LoadConfigOptions {
  /** Command-line values keyed by commander option name; see configOptions() in flags.ts. */
  flags?: ConfigFlags;
  /** Default: process.env. `.env` in cwd is read as well; a variable set in both wins from here. */
  env?: NodeJS.ProcessEnv;
  /** Default: process.cwd(). Relative paths are resolved against it. */
  cwd?: string;
  /** An explicit config file, which must exist. Otherwise SALTMINE_CONFIG, otherwise config/config.json if present. */
  configPath?: string;
  /** Values set by code (tests, embedding), above every other source. */
  overrides?: DeepPartial<SaltmineConfig>;
  /** Where non-fatal findings go (default: stderr). */
  onWarning?: (message: string) => void;
}

export interface ResolvedConfig {
  config: Readonly<SaltmineConfig>;
  /** Dotted key → where its value came from: `default`, a file, `environment variable X`, `flag --x`, `overrides`. */
  origins: Readonly<Record<string, string>>;
  warnings: string[];
}

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Copies `source` into `target`; objects merge key by key, arrays and scalars replace. Records each leaf's origin. */
function mergeInto(target: Tree, source: Tree, origin: (key: string) => string, origins: Record<string, string>, prefix = ''): void {
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (isTree(value)) {
      if (!isTree(target[name])) target[name] = {};
      mergeInto(target[name] as Tree, value, origin, origins, key);
    } else {
      target[name] = Array.isArray(value) ? [...value] : value;
      origins[key] = origin(key);
    }
  }
}

function leafOrigins(tree: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (isTree(value)) leafOrigins(value, key, out);
    else out[key] = 'default';
  }
  return out;
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Checks that involve more than one key, naming where the offending value came from. */
function checkConsistency(config: SaltmineConfig, origins: Record<string, string>): void {
  const { minMs, maxMs } = config.irc.reconnect;
  if (minMs > maxMs) {
    const origin = origins['irc.reconnect.maxMs'] === 'default' ? origins['irc.reconnect.minMs'] : origins['irc.reconnect.maxMs'];
    throw new ConfigError(`${origin}: key "irc.reconnect.maxMs" (${maxMs}) must be at least irc.reconnect.minMs (${minMs})`, origin ?? null, 'irc.reconnect.maxMs');
  }
  // Refused rather than ignored: recording into SQLite while the user believes it goes to PostgreSQL
  // would put their data somewhere they are not looking.
  if (config.database.postgresUrl !== null) {
    const origin = origins['database.postgresUrl'];
    throw new ConfigError(
      `${origin}: key "database.postgresUrl": this version of saltmine stores into SQLite only (the PostgreSQL store is not built yet); remove the key to record into database.path (${config.database.path})`,
      origin ?? null,
      'database.postgresUrl',
    );
  }
}

function registerConfigSecrets(config: SaltmineConfig): void {
  registerSecret(config.auth.clientSecret);
  if (config.database.postgresUrl !== null) {
    const password = new URL(config.database.postgresUrl).password;
    if (password !== '') registerSecret(decodeURIComponent(password));
  }
}

export function resolveConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const dotenvFile = join(cwd, '.env');
  const dotenvVars = readDotenv(dotenvFile, cwd);
  const bootstrap = (name: string): string | undefined => env[name] || dotenvVars[name] || undefined;

  const explicitConfig = options.configPath ?? options.flags?.['config'] ?? bootstrap(BOOTSTRAP_ENV.config);
  const explicitCredentials = bootstrap(BOOTSTRAP_ENV.credentials);
  const sources: Array<Source | null> = [
    readCredentialsFile(resolve(cwd, explicitCredentials ?? 'keyz/credentials.key'), cwd, explicitCredentials !== undefined, warnings),
    readConfigFile(resolve(cwd, explicitConfig ?? 'config/config.json'), cwd, explicitConfig !== undefined),
    readEnvironment(env, dotenvVars, displayPath(dotenvFile, cwd), warnings),
    options.flags ? readFlags(options.flags) : null,
    options.overrides ? readOverrides(options.overrides) : null,
  ];

  const merged: Tree = structuredClone(DEFAULTS) as unknown as Tree;
  const origins = leafOrigins(merged);
  for (const source of sources) {
    if (source !== null) mergeInto(merged, source.data as ConfigSource as Tree, source.originOf, origins);
  }
  const config = merged as unknown as SaltmineConfig;
  config.channels = [...new Set(config.channels)];
  config.database.path = resolve(cwd, config.database.path);
  config.auth.tokenFile = resolve(cwd, config.auth.tokenFile);
  registerConfigSecrets(config);
  checkConsistency(config, origins);
  return { config: deepFreeze(config), origins: Object.freeze(origins), warnings };
}

const warnToStderr = (message: string): void => {
  process.stderr.write(`saltmine: warning: ${redactSecrets(message)}\n`);
};

/** Loads, validates and freezes the configuration; throws ConfigError naming the file (or variable, or flag) and key. */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<SaltmineConfig> {
  const { config, warnings } = resolveConfig(options);
  const warn = options.onWarning ?? warnToStderr;
  for (const message of warnings) warn(message);
  return config;
}
