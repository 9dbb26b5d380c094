// A list statement's row as the API's JSON, written by SQLite itself: one json_object() per row, so a page's
// ~2,700 values never become JavaScript strings and no row object is built or encoded in JavaScript. The
// JSON comes back as text (one string a row): a BLOB costs more (a Node Buffer per row). The text must be exactly what
// JSON.stringify writes for the row the ordinary path builds (api/json-rows.ts), so SQL writes a value only
// where the two agree, and the row is NULL (the caller then takes the ordinary path) where they might not:
// - integers: SQLite prints them as JavaScript does up to 2^53; reals differ (%!.15g against the shortest
//   round trip), so only integers within ±(2^53 − 1) or NULL pass;
// - timestamps: datetime(..., 'subsec') with the T and Z put in equals toISOString() for integer ms in the
//   years 0000–9999 (at half the cost of strftime('%Y-%m-%dT%H:%M:%fZ', ...): ~0.19 against ~0.37 µs a row);
// - booleans: `= 0` is false and anything else true, as `value !== 0` in JavaScript, whatever the type;
// - strings: json_object() escapes exactly as JSON.stringify does (quote, backslash, \b \f \n \r \t, other
//   controls as lower-case \u00XX, everything else as is). A column declared TEXT holds only text, NULL or a
//   BLOB (numbers are converted on insert); other string expressions must be text or NULL. A BLOB never
//   reaches json_object(), which would read it as JSONB (x'00' becomes null) or fail: `< x''` is true for
//   every number and text and false for every BLOB, a comparison, cheaper than typeof() on every column.
//   Text that is not valid UTF-8 (only another program could write it) is copied into the JSON as it is and
//   decoded with it, into the same replacement characters as the ordinary path's column values.
// Fields of type `json` are re-serialised by JSON.parse + JSON.stringify in JavaScript, which SQL cannot
// match, so listings with one have no JSON statement.
import type { FieldType, FieldTypes } from '../query.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the years datetime() writes as toISOString() does. */
const MIN_ISO_MS = -62_167_219_200_000;
const MAX_ISO_MS = 253_402_300_799_999;

interface FieldSql {
  value: string;
  /** Condition under which `value` is exactly the JavaScript path's JSON, or null when it always is. */
  exact: string | null;
}

function fieldSql(expr: string, type: Exclude<FieldType, 'json'>, declaredType: string | null): FieldSql {
  const integerIn = (min: number, max: number) => `(${expr} IS NULL OR typeof(${expr}) = 'integer' AND ${expr} BETWEEN ${min} AND ${max})`;
  switch (type) {
    case 'integer':
      return { value: expr, exact: integerIn(-MAX_SAFE, MAX_SAFE) };
    case 'timestamp':
      return { value: `replace(datetime(${expr} / 1000.0, 'unixepoch', 'subsec'), ' ', 'T') || 'Z'`, exact: integerIn(MIN_ISO_MS, MAX_ISO_MS) };
    case 'boolean':
      return { value: `CASE WHEN ${expr} IS NULL THEN NULL WHEN ${expr} = 0 THEN json('false') ELSE json('true') END`, exact: null };
    case 'string':
      return { value: expr, exact: declaredType?.toUpperCase() === 'TEXT' ? `(${expr} < x'' OR ${expr} IS NULL)` : `typeof(${expr}) IN ('text', 'null')` };
  }
}

/**
 * The SQL expression of a row's JSON text (NULL where SQL cannot be sure to match), for fields
 * selected by `select` and the declared type of each (from the ordinary statement's columns), or null when
 * the fields include a `json` one.
 */
export function rowJsonSql(fields: FieldTypes, select: Readonly<Record<string, string>>, declaredTypes: ReadonlyMap<string, string | null>): string | null {
  const pairs: string[] = [];
  const conditions: string[] = [];
  for (const [name, type] of Object.entries(fields)) {
    if (type === 'json') return null;
    const { value, exact } = fieldSql(select[name]!, type, declaredTypes.get(name) ?? null);
    // Names come from the resource table (store/query.ts), never from input.
    pairs.push(`'${name.replaceAll("'", "''")}', ${value}`);
    if (exact !== null) conditions.push(exact);
  }
  const json = `json_object(${pairs.join(', ')})`;
  return conditions.length === 0 ? json : `CASE WHEN ${conditions.join(' AND ')} THEN ${json} END`;
}
