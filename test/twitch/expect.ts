// Helpers for hand-written event expectations: corpus lookup by a unique marker, the event without its
// IrcMessage, and a ChatUser whose absent fields default to what absent tags give (null, vip false).
import { parseEvent } from '../../src/twitch/map.js';
import type { ChatUser, TwitchEvent } from '../../src/twitch/events.js';
import { corpusLines, lineWith } from '../irc/corpus.js';

const REAL = corpusLines('twitch-lines.txt');

/** The real corpus line containing `marker`. */
export function realLine(marker: string): string {
  return lineWith(REAL, marker);
}

/** An event without its IrcMessage, still narrowable by `type`. */
export type Bare<E = TwitchEvent> = E extends unknown ? Omit<E, 'irc'> : never;

/** The event of the real corpus line containing `marker`, without `irc` (checked separately where it matters). */
export function realEvent(marker: string): Bare {
  return withoutIrc(parseEvent(realLine(marker)));
}

export function withoutIrc(event: TwitchEvent): Bare {
  const { irc: _irc, ...rest } = event;
  return rest as Bare;
}

export function chatUser(fields: Partial<ChatUser>): ChatUser {
  return {
    userId: null,
    login: null,
    displayName: null,
    color: null,
    badges: null,
    badgeInfo: null,
    userType: null,
    turbo: null,
    mod: null,
    subscriber: null,
    vip: false,
    ...fields,
  };
}
