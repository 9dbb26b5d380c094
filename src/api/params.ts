// The one place query parameters become a store query. Each parameter is declared once (JSON schema for
// validation and OpenAPI, plus the sentence a 400 uses); semantic checks (dates, ranges, cursors) follow.
import { RESOURCES, type ListQuery, type Resource } from '../store/query.js';
import { CURSOR_PATTERN, decodeCursor, type Order } from './cursor.js';
import { DATE_FORMATS_TEXT, DateError, parseDateSpan } from './dates.js';
import { badRequest } from './errors.js';
import { FORMATS, type Format } from './formats.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
export const MAX_OFFSET = 100_000;

interface ParamSpec {
  schema: Record<string, unknown>;
  /** What a valid value looks like, completing "<name> must be …". */
  expect: string;
  description: string;
}

const digits = (maxLength: number) => ({ type: 'string', pattern: `^[0-9]{1,${maxLength}}$` });

export const PARAMS = {
  'user-name': { schema: { type: 'string', pattern: '^@?[A-Za-z0-9_]{1,25}$' }, expect: 'a Twitch login (letters, digits, underscore; at most 25)', description: 'Filter by user login, case-insensitive' },
  'user-id': { schema: digits(20), expect: 'a numeric Twitch user id', description: 'Filter by Twitch user id' },
  'room-name': { schema: { type: 'string', pattern: '^#?[A-Za-z0-9_]{1,25}$' }, expect: 'a channel login, with or without # (letters, digits, underscore; at most 25)', description: 'Filter by channel, with or without #, case-insensitive' },
  'room-id': { schema: digits(20), expect: 'a numeric Twitch room (channel) id', description: 'Filter by Twitch room (channel) id' },
  'start-date': { schema: { type: 'string', minLength: 1, maxLength: 40 }, expect: DATE_FORMATS_TEXT, description: `Earliest time, inclusive (a date alone starts at 00:00:00.000 UTC). Formats: ${DATE_FORMATS_TEXT}` },
  'end-date': { schema: { type: 'string', minLength: 1, maxLength: 40 }, expect: DATE_FORMATS_TEXT, description: 'Latest time, inclusive of its whole precision (a date alone includes the whole day, UTC)' },
  limit: { schema: digits(12), expect: `a whole number from 1 to ${MAX_LIMIT}`, description: `Rows per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}); for ndjson/csv/raw/text the total to stream (default: all)` },
  offset: { schema: digits(12), expect: `a whole number from 0 to ${MAX_OFFSET}`, description: 'Rows to skip (seed compatibility; use cursor to page)' },
  cursor: { schema: { type: 'string', pattern: CURSOR_PATTERN }, expect: 'the `next` value of a previous page', description: 'Continue after the previous page: its `next` value' },
  order: { schema: { type: 'string', enum: ['asc', 'desc'] }, expect: 'asc or desc', description: 'asc = oldest first, desc = newest first (default)' },
  format: { schema: { type: 'string', enum: [...FORMATS] }, expect: FORMATS.join(', '), description: 'json (default), ndjson, csv (with a header row), raw (the original IRC lines) or text (`[2024-01-15 14:30:00] #channel user: text`)' },
  ready: { schema: { type: 'string', enum: ['1', 'true', '0', 'false'] }, expect: '1, true, 0 or false', description: '1 or true: also check that the database answers (503 when it does not)' },
  q: { schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' }, expect: 'words to search for (1 to 200 characters)', description: 'Full-text search: messages containing all these words; word* matches a prefix' },
} as const satisfies Record<string, ParamSpec>;

export type ParamName = keyof typeof PARAMS;
type QueryInput = Partial<Record<ParamName, string>>;

/** The parameters a listing of `resource` accepts, in documentation order. */
export function listParams(resource: Resource): ParamName[] {
  const { filters } = RESOURCES[resource];
  return [
    ...(filters.user ? ['user-name', 'user-id'] as const : []),
    ...(filters.room ? ['room-name', 'room-id'] as const : []),
    ...(filters.dates ? ['start-date', 'end-date'] as const : []),
    ...(filters.text ? ['q'] as const : []),
    'limit', 'offset', 'cursor', 'order', 'format',
  ];
}

export function querystringSchema(names: readonly ParamName[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const name of names) properties[name] = { ...PARAMS[name].schema, description: PARAMS[name].description };
  return { type: 'object', properties, additionalProperties: false };
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  data?: unknown;
  message?: string;
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text);
}

/** ajv errors → a 400 message naming the parameter and what it must be. `accepted` lists the route's parameters. */
export function describeSchemaError(errors: readonly SchemaError[], accepted: readonly string[]): string {
  const first = errors[0];
  if (first === undefined) return 'the request is invalid';
  if (first.keyword === 'additionalProperties') {
    const name = String(first.params['additionalProperty']);
    if (Object.hasOwn(PARAMS, name)) return `${name} is not available on this route; it accepts: ${accepted.join(', ') || 'no parameters'}`;
    return accepted.length === 0
      ? `unknown query parameter ${shown(name)}: this route takes no parameters`
      : `unknown query parameter ${shown(name)}; this route accepts: ${accepted.join(', ')}`;
  }
  const name = first.instancePath.replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
  const spec = (PARAMS as Record<string, ParamSpec | undefined>)[name];
  if (Array.isArray(first.data)) return `${name} was given more than once`;
  if (spec === undefined) return `${name || 'query'}: ${first.message ?? 'invalid'}`;
  return `${name} must be ${spec.expect}; got ${shown(first.data)}`;
}

function integerParam(name: 'limit' | 'offset', text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw badRequest(`${name} must be ${PARAMS[name].expect}; got ${shown(text)}${name === 'offset' && value > max ? ' (use cursor to page further)' : ''}`);
  }
  return value;
}

function dateParam(name: 'start-date' | 'end-date', text: string): { startMs: number; endMs: number } {
  try {
    return parseDateSpan(text.trim());
  } catch (err) {
    if (err instanceof DateError) throw badRequest(`${name}: ${err.message}`);
    throw err;
  }
}

function oneOf<A extends ParamName, B extends ParamName>(input: QueryInput, a: A, b: B): void {
  if (input[a] !== undefined && input[b] !== undefined) throw badRequest(`give ${a} or ${b}, not both`);
}

export interface ListRequest {
  query: ListQuery;
  format: Format;
}

/** Validated query parameters (schema-checked strings) → the store query and the output format. */
export function toListRequest(resource: Resource, input: QueryInput, formats: readonly Format[]): ListRequest {
  const format = (input.format ?? 'json') as Format;
  if (!formats.includes(format)) throw badRequest(`format=${format} is not available here; use ${formats.join(', ')}`);
  const streaming = format !== 'json';
  oneOf(input, 'room-name', 'room-id');
  oneOf(input, 'user-name', 'user-id');
  const query: ListQuery = {
    resource,
    order: (input.order ?? 'desc') as Order,
    limit: input.limit === undefined ? (streaming ? Number.POSITIVE_INFINITY : DEFAULT_LIMIT) : integerParam('limit', input.limit, 1, streaming ? Number.MAX_SAFE_INTEGER : MAX_LIMIT),
  };
  if (input['room-name'] !== undefined) query.room = { name: input['room-name'] };
  if (input['room-id'] !== undefined) query.room = { id: input['room-id'] };
  if (input['user-name'] !== undefined) query.user = { login: input['user-name'].replace(/^@/, '') };
  if (input['user-id'] !== undefined) query.user = { id: input['user-id'] };
  if (input['start-date'] !== undefined) query.fromMs = dateParam('start-date', input['start-date']).startMs;
  if (input['end-date'] !== undefined) query.toMs = dateParam('end-date', input['end-date']).endMs;
  if (query.fromMs !== undefined && query.toMs !== undefined && query.fromMs >= query.toMs) {
    throw badRequest(`start-date (${input['start-date']}) is after end-date (${input['end-date']})`);
  }
  if (input.q !== undefined) query.text = input.q;
  if (input.offset !== undefined) query.offset = integerParam('offset', input.offset, 0, MAX_OFFSET);
  if (input.cursor !== undefined) {
    if (query.offset !== undefined) throw badRequest('give cursor or offset, not both');
    const cursor = decodeCursor(input.cursor);
    if (input.order !== undefined && input.order !== cursor.order) throw badRequest(`cursor: it continues an order=${cursor.order} listing, but order=${input.order} was asked`);
    query.order = cursor.order;
    query.after = cursor.after;
  }
  if (format === 'raw' && resource !== 'raw') query.withRawLine = true;
  return { query, format };
}
