// One IRC line → IrcMessage. Never throws: anything it cannot make sense of comes back with
// `malformed: true` and the raw text, so the caller stores and counts it (nothing received is lost).
import { parseTags, type Tags } from './tags.js';

export interface IrcPrefix {
  /** The nick, or null for a server prefix such as `tmi.twitch.tv`. */
  nick: string | null;
  user: string | null;
  host: string | null;
}

export interface IrcMessage {
  /** The line exactly as received, without CR/LF. */
  raw: string;
  tags: Tags;
  prefix: IrcPrefix | null;
  /** Upper-cased command or three-digit numeric; '' when malformed. */
  command: string;
  /** Middle params then the trailing param (if any), as the last element. */
  params: string[];
  /** True when the last param was introduced by ` :` (it may then contain spaces or be empty). */
  hasTrailing: boolean;
  malformed: boolean;
  /** Why the line is malformed; null when it is not. */
  error: string | null;
}

const SPACE = 32;
const EMPTY_TAGS: Tags = Object.freeze({}) as Tags;

function skipSpaces(line: string, i: number, end: number): number {
  while (i < end && line.charCodeAt(i) === SPACE) i++;
  return i;
}

function malformed(raw: string, tags: Tags, prefix: IrcPrefix | null, command: string, params: string[], error: string): IrcMessage {
  return { raw, tags, prefix, command, params, hasTrailing: false, malformed: true, error };
}

const COMMAND_INVALID = -1;
const COMMAND_UPPER = 0;
const COMMAND_HAS_LOWER = 1;

/** Classifies a command word: `[A-Za-z]+` (upper case or not) or exactly three digits; anything else is invalid. */
function commandShape(command: string): number {
  const n = command.length;
  if (n === 0) return COMMAND_INVALID;
  const first = command.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    if (n !== 3) return COMMAND_INVALID;
    for (let i = 1; i < 3; i++) {
      const c = command.charCodeAt(i);
      if (c < 48 || c > 57) return COMMAND_INVALID;
    }
    return COMMAND_UPPER;
  }
  let shape = COMMAND_UPPER;
  for (let i = 0; i < n; i++) {
    const c = command.charCodeAt(i);
    if (c >= 97 && c <= 122) shape = COMMAND_HAS_LOWER;
    else if (c < 65 || c > 90) return COMMAND_INVALID;
  }
  return shape;
}

export function parsePrefix(text: string): IrcPrefix {
  const bang = text.indexOf('!');
  const at = text.indexOf('@', bang === -1 ? 0 : bang);
  if (bang === -1 && at === -1) {
    // `:tmi.twitch.tv` (a server) vs `:jtv` (a nick without user/host)
    return text.indexOf('.') === -1 ? { nick: text, user: null, host: null } : { nick: null, user: null, host: text };
  }
  if (bang === -1) return { nick: text.slice(0, at), user: null, host: text.slice(at + 1) };
  if (at === -1) return { nick: text.slice(0, bang), user: text.slice(bang + 1), host: null };
  return { nick: text.slice(0, bang), user: text.slice(bang + 1, at), host: text.slice(at + 1) };
}

/**
 * Whether a framed line is a PRIVMSG, read from its command without parsing it: the socket thread hands chat
 * on unparsed (the write thread parses every line), and parses only the other lines, to answer PING and
 * follow the connection's state. True only where parseLine's command is PRIVMSG.
 */
export function isPrivmsg(line: string): boolean {
  const end = line.length;
  let i = skipSpaces(line, 0, end);
  if (line.charCodeAt(i) === 64 /* @ */) {
    const sp = line.indexOf(' ', i);
    if (sp === -1) return false;
    i = skipSpaces(line, sp, end);
  }
  if (line.charCodeAt(i) === 58 /* : */) {
    const sp = line.indexOf(' ', i);
    if (sp === -1 || sp === i + 1) return false;
    i = skipSpaces(line, sp, end);
  }
  return line.startsWith('PRIVMSG ', i);
}

export function parseLine(input: string): IrcMessage {
  let end = input.length;
  // Framing normally strips CRLF; tolerate a line handed over with it.
  while (end > 0 && (input.charCodeAt(end - 1) === 10 || input.charCodeAt(end - 1) === 13)) end--;
  const raw = end === input.length ? input : input.slice(0, end);
  let i = skipSpaces(raw, 0, end);

  let tags = EMPTY_TAGS;
  if (raw.charCodeAt(i) === 64 /* @ */) {
    let sp = raw.indexOf(' ', i);
    if (sp === -1) sp = end;
    tags = parseTags(raw, i + 1, sp);
    i = skipSpaces(raw, sp, end);
    if (i >= end) return malformed(raw, tags, null, '', [], 'no command after tags');
  }

  let prefix: IrcPrefix | null = null;
  if (raw.charCodeAt(i) === 58 /* : */) {
    let sp = raw.indexOf(' ', i);
    if (sp === -1) sp = end;
    if (sp === i + 1) return malformed(raw, tags, null, '', [], 'empty prefix');
    prefix = parsePrefix(raw.slice(i + 1, sp));
    i = skipSpaces(raw, sp, end);
    if (i >= end) return malformed(raw, tags, prefix, '', [], 'no command after prefix');
  }

  if (i >= end) return malformed(raw, tags, prefix, '', [], 'empty line');
  let sp = raw.indexOf(' ', i);
  if (sp === -1) sp = end;
  let command = raw.slice(i, sp);
  const shape = commandShape(command);
  if (shape === COMMAND_INVALID) return malformed(raw, tags, prefix, command, [], `invalid command ${JSON.stringify(command.slice(0, 40))}`);
  // Twitch sends upper case; only allocate a new string when it does not.
  if (shape === COMMAND_HAS_LOWER) command = command.toUpperCase();

  const params: string[] = [];
  let hasTrailing = false;
  i = skipSpaces(raw, sp, end);
  while (i < end) {
    if (raw.charCodeAt(i) === 58 /* : */) {
      params.push(raw.slice(i + 1, end));
      hasTrailing = true;
      break;
    }
    let next = raw.indexOf(' ', i);
    if (next === -1) next = end;
    params.push(raw.slice(i, next));
    i = skipSpaces(raw, next, end);
  }
  return { raw, tags, prefix, command, params, hasTrailing, malformed: false, error: null };
}
