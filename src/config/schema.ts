// The zod schema every configuration source is checked against: config.json, credentials.key,
// the environment and the flags each give a partial config of this shape; unknown keys are errors.
import { z } from 'zod';
import { LOG_FORMATS, LOG_LEVELS, type DeepPartial, type SaltmineConfig } from './types.js';

/** Twitch logins: letters, digits and underscore, at most 25 (very old accounts can be shorter than 4). */
export const LOGIN_PATTERN = /^[a-z0-9_]{1,25}$/i;
const CHANNEL_PATTERN = /^#?[a-z0-9_]{1,25}$/i;

const shown = (input: unknown): string => (typeof input === 'string' ? JSON.stringify(input) : typeof input);

const positiveInt = z.int().positive();
const login = z.string().regex(LOGIN_PATTERN, {
  error: (issue) => `${shown(issue.input)} is not a Twitch login (letters, digits and _, 1 to 25 characters)`,
});
const channel = z
  .string()
  .regex(CHANNEL_PATTERN, {
    error: (issue) => `${shown(issue.input)} is not a Twitch channel name (optional #, then letters, digits and _, 1 to 25 characters)`,
  })
  .transform((name) => (name.startsWith('#') ? name : `#${name}`).toLowerCase());
const nonEmpty = z.string().min(1, { error: 'must not be empty' });
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: (issue) => `${shown(issue.input)} is not a URL with scheme ${protocols.join(' or ')}` },
  );
const corsOrigin = z.string().refine(
  (value) => {
    if (value === '*') return true;
    try {
      const parsed = new URL(value);
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === value;
    } catch {
      return false;
    }
  },
  { error: (issue) => `${shown(issue.input)} is not an origin (scheme://host[:port], no path or trailing slash) or *` },
);
const rate = z.strictObject({ limit: positiveInt, windowMs: positiveInt }).partial();

/** One source's contribution: every key optional, unknown keys rejected. */
export const configSourceSchema = z
  .strictObject({
    nickname: login.transform((name) => name.toLowerCase()).nullable(),
    channels: z.array(channel),
    database: z.strictObject({ path: nonEmpty, postgresUrl: url(['postgres:', 'postgresql:']).nullable() }).partial(),
    irc: z
      .strictObject({
        serverUrl: url(['ircs:', 'irc:', 'wss:', 'ws:']),
        channelsPerConnection: positiveInt,
        joinRate: rate,
        sendRate: rate,
        sendRatePerChannel: rate,
        pingIntervalMs: positiveInt,
        pongTimeoutMs: positiveInt,
        reconnect: z.strictObject({ minMs: positiveInt, maxMs: positiveInt }).partial(),
      })
      .partial(),
    writer: z.strictObject({ batchSize: positiveInt, flushIntervalMs: positiveInt, highWaterMark: positiveInt }).partial(),
    api: z
      .strictObject({ host: nonEmpty, port: z.int().min(0).max(65535), corsOrigins: z.array(corsOrigin), readThreads: z.int().min(0).max(64) })
      .partial(),
    auth: z
      .strictObject({
        clientId: nonEmpty.nullable(),
        clientSecret: nonEmpty.nullable(),
        tokenFile: nonEmpty,
        idUrl: url(['https:', 'http:']).transform((value) => value.replace(/\/+$/, '')),
        fallback: z.enum(['anonymous', 'stop']),
      })
      .partial(),
    log: z.strictObject({ level: z.enum(LOG_LEVELS), format: z.enum(LOG_FORMATS) }).partial(),
  })
  .partial();

export type ConfigSource = z.output<typeof configSourceSchema>;

// Compile-time guard: the schema and the hand-written SaltmineConfig describe the same keys.
type Keys<T> = T extends readonly unknown[] ? never : T extends object ? { [K in keyof T]-?: K | Keys<NonNullable<T[K]>> }[keyof T] : never;
type SameKeys<A, B> = [Keys<A>] extends [Keys<B>] ? ([Keys<B>] extends [Keys<A>] ? true : false) : false;
const schemaMatchesConfig: SameKeys<ConfigSource, DeepPartial<SaltmineConfig>> = true;
void schemaMatchesConfig;
