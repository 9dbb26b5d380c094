// Reads each configuration source into a validated partial config. Every error names the source
// (file, environment variable or flag) and the key; secret values are never repeated.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import dotenv from 'dotenv';
import type { z } from 'zod';
import { registerSecret } from '../log.js';
import { ConfigError } from './errors.js';
import { parseCredentials } from './credentials.js';
import { configSourceSchema, type ConfigSource } from './schema.js';
import { BOOTSTRAP_ENV, LAUNCHER_ENV, flagName, parseSettingText, settingForKey, SETTINGS, type Setting } from './settings.js';
import { DEFAULTS } from './types.js';

/** One source's validated contribution and how to name it in messages. */
export interface Source {
  /** `config/config.json`, `environment`, `flags`, … (used as the origin of each key it sets). */
  label: string;
  data: ConfigSource;
  /** Origin label of one key (env and flags name the variable or flag per key). */
  originOf(key: string): string;
}

/** A path as the user reads it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function keyOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out === '' ? String(part) : `${out}.${String(part)}`), '');
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let node: unknown = DEFAULTS;
  for (const part of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[String(part)] : undefined;
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : [];
}

/** zod issues → one ConfigError naming the source and key of each problem. */
function validate(raw: unknown, describe: (key: string) => string, sourceOf: (key: string) => string): ConfigSource {
  const result = configSourceSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines: string[] = [];
  let firstKey: string | null = null;
  for (const issue of result.error.issues as z.core.$ZodIssue[]) {
    if (issue.code === 'unrecognized_keys') {
      for (const name of issue.keys) {
        const key = keyOf([...issue.path, name]);
        firstKey ??= key;
        const known = knownKeysAt(issue.path);
        lines.push(`${describe(key)}: unknown key${known.length > 0 ? ` (known keys here: ${known.join(', ')})` : ''}`);
      }
    } else {
      const key = keyOf(issue.path);
      firstKey ??= key;
      lines.push(`${describe(key)}: ${issue.message}`);
    }
  }
  throw new ConfigError(lines.join('\n'), firstKey === null ? null : sourceOf(firstKey), firstKey);
}

/** Secrets are registered before validation, so that no error about any key can repeat them. */
function registerSecretsIn(raw: unknown): void {
  const auth = (raw as { auth?: { clientSecret?: unknown } } | null)?.auth;
  if (typeof auth?.clientSecret === 'string') registerSecret(auth.clientSecret);
}

/** Reads a text file; a missing optional file is null, a missing explicit one is an error. */
function readText(file: string, label: string, what: string, required: boolean): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return null;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(`${label}: ${what} ${reason}`, label, null);
  }
}

/** V8's JSON messages may quote a slice of the file, which can hold a secret: report line and column only. */
function jsonErrorWhere(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /position (\d+)/.exec(message);
  if (position === null) return message.replace(/,\s*".*" is not valid JSON$/s, '');
  const offset = Number(position[1]);
  const before = text.slice(0, offset).split('\n');
  const reason = message.replace(/ in JSON at position \d+.*$/s, '');
  return `${reason} at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

export function readConfigFile(file: string, cwd: string, required: boolean): Source | null {
  const label = displayPath(file, cwd);
  const text = readText(file, label, 'config file', required);
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${label}: not valid JSON: ${jsonErrorWhere(text, err)}`, label, null);
  }
  registerSecretsIn(raw);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${label}: expected a JSON object at the top level, got ${Array.isArray(raw) ? 'an array' : String(raw === null ? 'null' : typeof raw)}`, label, null);
  }
  const data = validate(raw, (key) => `${label}: key "${key}"`, () => label);
  return { label, data, originOf: () => label };
}

export function readCredentialsFile(file: string, cwd: string, required: boolean, warnings: string[]): Source | null {
  const label = displayPath(file, cwd);
  const text = readText(file, label, 'credentials file', required);
  if (text === null) return null;
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    warnings.push(`${label} holds the client secret but can be read by other users; run: chmod 600 ${label}`);
  }
  const credentials = parseCredentials(text, label);
  registerSecret(credentials.clientSecret);
  const data = validate({ auth: credentials }, (key) => `${label}: key "${key}"`, () => label);
  return { label, data, originOf: () => label };
}

/** `.env` in the working directory, parsed but never copied into process.env. */
export function readDotenv(file: string, cwd: string): Record<string, string> {
  const text = readText(file, displayPath(file, cwd), 'dotenv file', false);
  return text === null ? {} : dotenv.parse(text);
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/** The row a zod key such as `channels[3]` or `irc.joinRate.limit` belongs to. */
function rowOf(key: string): Setting | undefined {
  return settingForKey(key.replace(/\[\d+\]$/, ''));
}

/** Builds a source from text values (environment or flags) using the SETTINGS table. */
function fromText(label: string, entries: Array<{ setting: Setting; text: string; name: string }>): Source | null {
  if (entries.length === 0) return null;
  const raw: Record<string, unknown> = {};
  const names = new Map<string, string>();
  for (const { setting, text } of entries) if (setting.secret) registerSecret(text.trim());
  for (const { setting, text, name } of entries) {
    names.set(setting.key, name);
    const parsed = parseSettingText(setting, text);
    if ('error' in parsed) throw new ConfigError(`${name} (${setting.key}): ${parsed.error}`, name, setting.key);
    if (parsed.value === '' && setting.kind !== 'nullableString') continue;
    setPath(raw, setting.key, parsed.value);
  }
  const nameOf = (key: string): string => {
    const row = rowOf(key);
    return (row && names.get(row.key)) ?? label;
  };
  const data = validate(raw, (key) => `${nameOf(key)} (${key})`, nameOf);
  return { label, data, originOf: (key) => names.get(key) ?? label };
}

const KNOWN_ENV = new Set<string>([...SETTINGS.map((s) => s.env), ...Object.values(BOOTSTRAP_ENV)]);
/** Read by the launcher from the process environment before `.env` is loaded: known there, unknown in `.env`. */
const PROCESS_ONLY_ENV = new Set<string>(Object.values(LAUNCHER_ENV));

/**
 * SALTMINE_* variables from the process environment and from `.env` (the process wins, as dotenv does).
 * An unknown SALTMINE_* name in `.env` is an error (a file we own); in the process environment, a warning,
 * because other tools and test harnesses set variables of their own.
 */
export function readEnvironment(env: NodeJS.ProcessEnv, dotenvVars: Record<string, string>, dotenvLabel: string, warnings: string[]): Source | null {
  for (const name of Object.keys(dotenvVars)) {
    if (name.startsWith('SALTMINE_') && !KNOWN_ENV.has(name) && env[name] === undefined) {
      throw new ConfigError(`${dotenvLabel}: unknown variable ${name} (see .env.example for the known ones)`, dotenvLabel, name);
    }
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('SALTMINE_') && !KNOWN_ENV.has(name) && !PROCESS_ONLY_ENV.has(name)) warnings.push(`environment variable ${name} is not a saltmine setting and is ignored`);
  }
  const entries: Array<{ setting: Setting; text: string; name: string }> = [];
  for (const setting of SETTINGS) {
    const fromProcess = env[setting.env];
    const fromFile = dotenvVars[setting.env];
    if (fromProcess !== undefined) entries.push({ setting, text: fromProcess, name: `environment variable ${setting.env}` });
    else if (fromFile !== undefined) entries.push({ setting, text: fromFile, name: `${dotenvLabel} ${setting.env}` });
  }
  return fromText('environment', entries);
}

/** Command-line values, keyed by commander option name (`logLevel`, `db`, …). */
export type ConfigFlags = Readonly<Record<string, string | undefined>>;

export function readFlags(flags: ConfigFlags): Source | null {
  const entries: Array<{ setting: Setting; text: string; name: string }> = [];
  for (const setting of SETTINGS) {
    const text = setting.flag === undefined ? undefined : flags[setting.flag];
    if (text !== undefined) entries.push({ setting, text, name: `flag ${flagName(setting.flag!)}` });
  }
  return fromText('flags', entries);
}

export function readOverrides(overrides: unknown): Source {
  registerSecretsIn(overrides);
  const data = validate(overrides, (key) => `overrides: key "${key}"`, () => 'overrides');
  return { label: 'overrides', data, originOf: () => 'overrides' };
}
