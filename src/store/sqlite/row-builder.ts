// Statement rows → store rows. List statements return arrays (better-sqlite3 raw mode: no object keyed by
// column name per row), and a function compiled once per field set turns each array into a Row with one object
// literal: every row of a listing shares one hidden class, and no loop over the fields runs per row.
import type { FieldTypes, Row, RowValue } from '../query.js';
import type { RawLine } from './raw-archive.js';

/** A list statement's row: the listing's fields in select order, then the sort key (time, tie), then the raw id if asked. */
export type Columns = readonly unknown[];
export type RowBuilder = (columns: Columns) => Row;

type Factory = (parseJson: (text: string) => RowValue, lines: ReadonlyMap<number, RawLine> | null) => RowBuilder;

const factories = new Map<string, Factory>();

/** Where the sort key starts in a statement row of these fields: [time, tie, raw id?]. */
export const keyIndex = (names: readonly string[]): number => names.length;

function parseJson(text: string): RowValue {
  try {
    return JSON.parse(text) as RowValue;
  } catch {
    // Stored by us as JSON; if something else wrote the column, the text itself is still the data.
    return text;
  }
}

function compile(names: readonly string[], types: FieldTypes, rawLine: boolean): Factory {
  const properties = names.map((name, i) => {
    const column = `c[${i}]`;
    const type = types[name];
    const value = type === 'boolean' ? `${column} === null ? null : ${column} !== 0` : type === 'json' ? `${column} === null ? null : parseJson(${column})` : column;
    return `${JSON.stringify(name)}: ${value}`;
  });
  if (rawLine) properties.push(`raw_line: lines.get(c[${keyIndex(names) + 2}])?.line ?? null`);
  // Names come from the resource table (store/query.ts), never from input.
  return new Function('parseJson', 'lines', `return (c) => ({ ${properties.join(', ')} });`) as Factory;
}

/** The builder for rows of these fields (types from the resource), adding `raw_line` from `lines` when given. */
export function rowBuilder(names: readonly string[], types: FieldTypes, lines: ReadonlyMap<number, RawLine> | null): RowBuilder {
  const key = `${names.map((name) => `${name}:${types[name]}`).join(',')}${lines === null ? '' : ',raw_line'}`;
  let factory = factories.get(key);
  if (factory === undefined) factories.set(key, (factory = compile(names, types, lines !== null)));
  return factory(parseJson, lines);
}
