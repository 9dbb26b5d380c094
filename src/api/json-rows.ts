// JSON text of rows, compiled once per field set: one concatenation per row with each field's key already in
// the source and its type's fast path (numbers, booleans and ISO timestamps need no JSON.stringify). The
// output is exactly JSON.stringify(presentRow(fields, row)), so json pages and ndjson lines read the same.
import type { FieldType, FieldTypes, Row } from '../store/query.js';
import { isoTime } from './iso-time.js';

export type RowJson = (row: Row) => string;

const compiled = new WeakMap<FieldTypes, RowJson>();

/** Expression for the JSON of `v` (the field's value, never undefined) by the field's type; others fall back to J. */
const VALUE: Readonly<Record<FieldType, string>> = {
  integer: `(typeof v === 'number' && Number.isFinite(v) ? '' + v : J(v))`,
  boolean: `(v === true ? 'true' : v === false ? 'false' : J(v))`,
  timestamp: `(typeof v === 'number' ? '"' + iso(v) + '"' : J(v))`,
  string: 'J(v)',
  json: 'J(v)',
};

function compile(fields: FieldTypes): RowJson {
  const parts = Object.entries(fields).map(([name, type], i) => {
    // Names come from the resource table (store/query.ts), never from input.
    const key = JSON.stringify((i === 0 ? '{' : ',') + JSON.stringify(name) + ':');
    return `s += ${key}; v = row[${JSON.stringify(name)}] ?? null; s += ${VALUE[type]};`;
  });
  const body = `return (row) => { let s = ''; let v; ${parts.join(' ')} return s + '}'; };`;
  return new Function('J', 'iso', body)(JSON.stringify, isoTime) as RowJson;
}

/** The JSON encoder of rows with these fields (cached per field set). */
export function rowJson(fields: FieldTypes): RowJson {
  let encode = compiled.get(fields);
  if (encode === undefined) compiled.set(fields, (encode = compile(fields)));
  return encode;
}

/** A json page `{"<key>":[rows],"count":n,"next":cursor}`, as JSON.stringify would write it. */
export function jsonPage(key: string, fields: FieldTypes, rows: readonly Row[], next: string | null): string {
  const encode = rowJson(fields);
  let out = `{${JSON.stringify(key)}:[`;
  for (let i = 0; i < rows.length; i++) out += (i === 0 ? '' : ',') + encode(rows[i]!);
  return `${out}],"count":${rows.length},"next":${JSON.stringify(next)}}`;
}
