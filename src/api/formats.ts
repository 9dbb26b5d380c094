// Output formats. json is one page through the route's response schema; ndjson, csv, raw and text stream
// every matching row: pages are fetched by keyset one at a time and written as the socket drains, so an
// export of millions of rows holds one page in memory.
import { Readable } from 'node:stream';
import type { FieldTypes, Row } from '../store/query.js';
import { isoTime } from './iso-time.js';
import { rowJson } from './json-rows.js';

export const FORMATS = ['json', 'ndjson', 'csv', 'raw', 'text'] as const;
export type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  raw: 'text/plain; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};

/** One line of the justlog-style text format: who said it and what (the time and room are added here). */
export type TextLine = (row: Row) => { user: string | null; body: string };

/** A store row as the API shows it: timestamps as ISO 8601 UTC with milliseconds. */
export function presentRow(fields: FieldTypes, row: Row): Row {
  const out: Row = {};
  for (const name in fields) {
    const value = row[name] ?? null;
    out[name] = fields[name] === 'timestamp' && typeof value === 'number' ? isoTime(value) : value;
  }
  return out;
}

function csvCell(value: Row[string] | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(fields: FieldTypes): string {
  return Object.keys(fields).join(',') + '\r\n';
}

/** Renders one page of rows in a streaming format. */
export function renderPage(format: Exclude<Format, 'json'>, fields: FieldTypes, rows: readonly Row[], textLine?: TextLine): string {
  let out = '';
  switch (format) {
    case 'ndjson': {
      const encode = rowJson(fields);
      for (const row of rows) out += encode(row) + '\n';
      return out;
    }
    case 'csv': {
      const names = Object.keys(fields);
      for (const row of rows) {
        const present = presentRow(fields, row);
        out += names.map((name) => csvCell(present[name])).join(',') + '\r\n';
      }
      return out;
    }
    case 'raw':
      for (const row of rows) {
        const line = row['raw_line'] ?? row['line'];
        if (typeof line === 'string') out += line + '\n';
      }
      return out;
    case 'text':
      for (const row of rows) out += textOf(row, textLine!) + '\n';
      return out;
  }
}

/** `[2024-01-15 14:30:00] #channel user: text` (justlog/rustlog); without a user `[…] #channel text`. */
function textOf(row: Row, textLine: TextLine): string {
  const ms = row['timestamp'];
  const time = typeof ms === 'number' ? isoTime(ms).slice(0, 19).replace('T', ' ') : '????-??-?? ??:??:??';
  const room = typeof row['room_name'] === 'string' ? row['room_name'] : '';
  const { user, body } = textLine(row);
  // One row, one line: text that spans lines would read as several entries.
  const flat = body.replace(/[\r\n]+/g, ' ');
  return `[${time}]${room ? ' ' + room : ''} ${user ? user + ': ' : ''}${flat}`;
}

/**
 * A byte stream of the rendered pages. `first` was fetched before the response started (so a bad query is
 * still a 400); `rest` yields the following pages, pulled only when the socket has drained.
 */
export function pageStream(prefix: string, first: string, rest: AsyncIterable<string>): Readable {
  async function* all(): AsyncGenerator<string> {
    if (prefix + first !== '') yield prefix + first;
    for await (const chunk of rest) if (chunk !== '') yield chunk;
  }
  return Readable.from(all(), { objectMode: false });
}
