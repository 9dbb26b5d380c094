// The `emotes` tag: `25:0-4,12-16/1902:6-10`. Positions count Unicode code points, inclusive.
// Ids may contain `/` (real tag `emotes=80481_/3:7-14`), so entries are found by their `:<n>-<n>` range list,
// not by a blind split on `/`. Out-of-range and inverted ranges from Twitch are clamped or skipped, never thrown.
import type { PrivmsgEvent, UsernoticeEvent } from './events.js';

export interface EmoteRange {
  id: string;
  /** First code point (inclusive). */
  start: number;
  /** Last code point (inclusive). */
  end: number;
}

function isRangeList(s: string): boolean {
  // `<n>-<n>(,<n>-<n>)*`
  let i = 0;
  const n = s.length;
  if (n === 0) return false;
  while (i < n) {
    const a = i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === a || s.charCodeAt(i) !== 45) return false;
    i++;
    const b = i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === b) return false;
    if (i < n) {
      if (s.charCodeAt(i) !== 44) return false;
      i++;
      if (i === n) return false;
    }
  }
  return true;
}

/** Parses the tag value into ranges sorted by start. Unparseable pieces are skipped (the raw tag is kept elsewhere). */
export function parseEmotes(tag: string | null | undefined): EmoteRange[] {
  if (!tag) return [];
  const out: EmoteRange[] = [];
  // Walk `/`-separated pieces; a piece without `:` is the start of an id that contains `/` and belongs to the
  // next piece. A piece with `:` but no valid range list (`25:04`) is skipped on its own.
  let idPrefix = '';
  for (const piece of tag.split('/')) {
    const colon = piece.lastIndexOf(':');
    if (colon === -1) {
      idPrefix += piece + '/';
      continue;
    }
    const ranges = piece.slice(colon + 1);
    if (!isRangeList(ranges)) {
      idPrefix = '';
      continue;
    }
    const id = idPrefix + piece.slice(0, colon);
    idPrefix = '';
    for (const range of ranges.split(',')) {
      const dash = range.indexOf('-');
      out.push({ id, start: Number(range.slice(0, dash)), end: Number(range.slice(dash + 1)) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export interface EmoteOccurrence extends EmoteRange {
  /** The text the range covers, by code points. */
  code: string;
}

/**
 * Resolves ranges against the message text by code points. A range past the end is clamped to the text,
 * an inverted or wholly out-of-range one is dropped.
 */
export function emotesInText(text: string, ranges: readonly EmoteRange[]): EmoteOccurrence[] {
  if (ranges.length === 0) return [];
  const points = Array.from(text);
  const out: EmoteOccurrence[] = [];
  for (const r of ranges) {
    if (r.start > r.end || r.start >= points.length) continue;
    const end = Math.min(r.end, points.length - 1);
    out.push({ id: r.id, start: r.start, end, code: points.slice(r.start, end + 1).join('') });
  }
  return out;
}

/**
 * The text an event's `emotes` positions index into. For a PRIVMSG /me it is the body after `\x01ACTION `;
 * for a USERNOTICE /me Twitch counts from after the leading `\x01`, so `ACTION ` is part of it
 * (real resub note `\x01ACTION Kappa …` carries `25:7-11`; twitchdev/issues#175).
 */
export function emoteText(event: PrivmsgEvent | UsernoticeEvent): string {
  if (event.type === 'privmsg') return event.text;
  if (event.text === null) return '';
  return event.action ? 'ACTION ' + event.text : event.text;
}

/** The emotes of a PRIVMSG / USERNOTICE resolved against its text (parsed on demand, not on the hot path). */
export function eventEmotes(event: PrivmsgEvent | UsernoticeEvent): EmoteOccurrence[] {
  return emotesInText(emoteText(event), parseEmotes(event.irc.tags['emotes']));
}
