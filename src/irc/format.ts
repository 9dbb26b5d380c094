// IrcMessage → wire line (without CRLF). Used by the simulator and for round-trip tests
// (rustlog's rule: formatting a parsed line gives the same message back).
import { escapeTagValue, type Tags } from './tags.js';
import type { IrcPrefix } from './parse.js';

export interface OutgoingMessage {
  tags?: Tags | null;
  prefix?: IrcPrefix | null;
  command: string;
  params?: readonly string[];
}

export function formatPrefix(prefix: IrcPrefix): string {
  if (prefix.nick === null) return prefix.host ?? '';
  let out = prefix.nick;
  if (prefix.user !== null) out += '!' + prefix.user;
  if (prefix.host !== null) out += '@' + prefix.host;
  return out;
}

/** An empty value is written `key=`, the way Twitch sends it (both forms parse to ""). */
export function formatTags(tags: Tags): string {
  let out = '';
  for (const key in tags) {
    out += (out === '' ? '' : ';') + key + '=' + escapeTagValue(tags[key]!);
  }
  return out;
}

/** The last param gets a `:` when it needs one (empty, contains a space, or starts with `:`). */
export function formatLine(message: OutgoingMessage): string {
  let out = '';
  if (message.tags) {
    const tags = formatTags(message.tags);
    if (tags !== '') out += '@' + tags + ' ';
  }
  if (message.prefix) out += ':' + formatPrefix(message.prefix) + ' ';
  out += message.command;
  const params = message.params ?? [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const last = i === params.length - 1;
    if (last && (p === '' || p.includes(' ') || p.startsWith(':'))) out += ' :' + p;
    else out += ' ' + p;
  }
  return out;
}
