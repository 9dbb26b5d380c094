// JSON text of rows, compiled once per field set: one concatenation per row with each field's key already in
// the source and its type's fast path (numbers, booleans and ISO timestamps need no JSON.stringify). The
// output is exactly JSON.stringify(presentRow(fields, row)), so json pages and ndjson lines read the same.
import type { FieldType, FieldTypes, Row } from '../store/query.js';
import { Utf8Scratch } from '../store/utf8-scratch.js';
import { isoTime } from './iso-time.js';

export type RowJson = (row: Row) => string;

const compiled = new WeakMap<FieldTypes, RowJson>();

/** Expression for the JSON of `v` (the field's value, never undefined) by the field's type; others fall back to J. */
const VALUE: Readonly<Record<FieldType, string>> = {
  integer: `(typeof v === 'number' && Number.isFinite(v) ? '' + v : J(v))`,
  boolean: `(v === true ? 'true' : v === false ? 'false' : J(v))`,
  timestamp: `(typeof v === 'number' ? '"' + iso(v) + '"' : J(v))`,
  string: `(v === null ? 'null' : typeof v === 'string' && !ESCAPED.test(v) ? '"' + v + '"' : J(v))`,
  json: 'J(v)',
};

/** Characters JSON.stringify writes escaped (quote, backslash, controls, any surrogate to be safe about lone ones). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be found
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function compile(fields: FieldTypes): RowJson {
  const parts = Object.entries(fields).map(([name, type], i) => {
    // Names come from the resource table (store/query.ts), never from input.
    const key = JSON.stringify((i === 0 ? '{' : ',') + JSON.stringify(name) + ':');
    return `s += ${key}; v = row[${JSON.stringify(name)}] ?? null; s += ${VALUE[type]};`;
  });
  const body = `return (row) => { let s = ''; let v; ${parts.join(' ')} return s + '}'; };`;
  return new Function('J', 'iso', 'ESCAPED', body)(JSON.stringify, isoTime, ESCAPED) as RowJson;
}

/** The JSON encoder of rows with these fields (cached per field set). */
export function rowJson(fields: FieldTypes): RowJson {
  let encode = compiled.get(fields);
  if (encode === undefined) compiled.set(fields, (encode = compile(fields)));
  return encode;
}

/** A page's bytes, row by row (utf8-scratch.ts). */
const scratch = new Utf8Scratch(1 << 16);

/** What a json page has before its rows, and after them. */
const pageHead = (key: string) => `{${JSON.stringify(key)}:[`;
const pageTail = (count: number, next: string | null) => `],"count":${count},"next":${JSON.stringify(next)}}`;

function pageBytes(key: string, count: number, rowAt: (i: number) => string, next: string | null): Buffer {
  scratch.reset().put(pageHead(key));
  for (let i = 0; i < count; i++) scratch.put(i === 0 ? rowAt(i) : ',' + rowAt(i));
  return scratch.put(pageTail(count, next)).copy();
}

/** A json page `{"<key>":[rows],"count":n,"next":cursor}` in UTF-8, byte for byte what JSON.stringify would give. */
export function jsonPage(key: string, fields: FieldTypes, rows: readonly Row[], next: string | null): Buffer {
  const encode = rowJson(fields);
  return pageBytes(key, rows.length, (i) => encode(rows[i]!), next);
}

/**
 * The same page from rows that are JSON already: a store's listJson, `json` their UTF-8 between `[` and `]`.
 * With a frame (JsonPage.frame) that has the room, head and tail are written around the rows where they lie,
 * and the page is a view of that memory.
 */
export function jsonPageOfEncoded(key: string, json: Uint8Array, count: number, next: string | null, frame?: { before: number; after: number }): Buffer {
  const head = Buffer.from(pageHead(key));
  const tail = Buffer.from(pageTail(count, next));
  if (frame === undefined || head.length > frame.before || tail.length > frame.after) return Buffer.concat([head, json, tail]);
  const page = Buffer.from(json.buffer, json.byteOffset - head.length, head.length + json.length + tail.length);
  head.copy(page, 0);
  tail.copy(page, head.length + json.length);
  return page;
}
