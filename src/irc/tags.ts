// IRCv3 message-tag values: escaping rules from https://ircv3.net/specs/extensions/message-tags.html
// (`\:` ; `\s` space, `\\` backslash, `\r` CR, `\n` LF, any other `\x` is `x`, a lone trailing `\` is dropped).
import { parseTagsByShape } from './tag-shapes.js';

/** Tag name → unescaped value. A tag without `=` and `key=` both give `""`. */
export type Tags = Record<string, string>;

const BACKSLASH = 92;

/** Unescapes a tag value. Only called when the value contains a backslash (the caller checks). */
export function unescapeTagValue(raw: string): string {
  let out = '';
  let start = 0;
  for (let i = raw.indexOf('\\'); i !== -1; i = raw.indexOf('\\', start)) {
    out += raw.slice(start, i);
    if (i + 1 >= raw.length) {
      start = raw.length; // lone trailing backslash: dropped
      break;
    }
    const next = raw.charCodeAt(i + 1);
    switch (next) {
      case 58: out += ';'; break; // \:
      case 115: out += ' '; break; // \s
      case 114: out += '\r'; break; // \r
      case 110: out += '\n'; break; // \n
      default: out += raw[i + 1]; // \\ and any unknown \x → x
    }
    start = i + 2;
  }
  return out + raw.slice(start);
}

/** Escapes a tag value so that `unescapeTagValue(escapeTagValue(v)) === v`. */
export function escapeTagValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    switch (c) {
      case 59: out += '\\:'; break;
      case 32: out += '\\s'; break;
      case BACKSLASH: out += '\\\\'; break;
      case 13: out += '\\r'; break;
      case 10: out += '\\n'; break;
      default: out += value[i];
    }
  }
  return out;
}

/**
 * Parses the tag section `k1=v1;k2=v2` (without the leading `@`) of `line` between `start` and `end`.
 * Index scanning, no split/regex: this runs for every line received. Lines whose key sequence has been seen
 * get their object from a compiled constructor (tag-shapes.ts); the rest, and the meaning of every case, come
 * from `parseTagsGeneric`.
 */
export function parseTags(line: string, start: number, end: number): Tags {
  return parseTagsByShape(line, start, end, unescapeTagValue) ?? parseTagsGeneric(line, start, end);
}

/** Key by key: the reference for what a tags object holds (later duplicates win, empty keys are skipped). */
export function parseTagsGeneric(line: string, start: number, end: number): Tags {
  const tags: Tags = {};
  let i = start;
  // The next `=` at or after i. Remembered across tags so that a run of valueless tags (`a;b;c`) does not
  // rescan the rest of the line for each one: the scan stays linear in the line length.
  let nextEq = -2;
  while (i < end) {
    let semi = line.indexOf(';', i);
    if (semi === -1 || semi > end) semi = end;
    if (semi > i) {
      if (nextEq !== -1 && nextEq < i) nextEq = line.indexOf('=', i);
      let key: string;
      let value: string;
      if (nextEq === -1 || nextEq > semi) {
        key = line.slice(i, semi);
        value = '';
      } else {
        key = line.slice(i, nextEq);
        value = nextEq + 1 === semi ? '' : line.slice(nextEq + 1, semi);
        if (value.indexOf('\\') !== -1) value = unescapeTagValue(value);
      }
      if (key.length > 0) {
        // `__proto__` as a plain assignment would change the object's prototype instead of storing the tag.
        if (key === '__proto__') Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
        else tags[key] = value;
      }
    }
    i = semi + 1;
  }
  return tags;
}
