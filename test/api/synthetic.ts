// Synthetic but well-formed Twitch lines with known rooms, users and times, so every filter has an exact
// expected answer. Tag sets follow real lines of the corpus (test/fixtures/twitch-lines.txt).

export interface Room { id: string; login: string }
export interface User { id: string; login: string; display: string }

export const ROOMS: readonly Room[] = [
  { id: '1001', login: 'alpha' },
  { id: '1002', login: 'bravo' },
  { id: '1003', login: 'charlie' },
];

export const USERS: readonly User[] = [
  { id: '2001', login: 'xx_one', display: 'Xx_One' },
  { id: '2002', login: 'two', display: 'Two' },
  { id: '2003', login: 'three', display: 'three' },
];

/** Around the day 2024-01-15 (UTC): just before, its first and last millisecond, midday, the next day. */
export const TIMES: readonly number[] = [
  Date.UTC(2024, 0, 14, 23, 59, 59, 999),
  Date.UTC(2024, 0, 15, 0, 0, 0, 0),
  Date.UTC(2024, 0, 15, 12, 34, 56, 789),
  Date.UTC(2024, 0, 15, 23, 59, 59, 999),
  Date.UTC(2024, 0, 16, 0, 0, 0, 0),
];

export type Kind = 'privmsg' | 'bits' | 'announcement' | 'sub' | 'submysterygift';
export const KINDS: readonly Kind[] = ['privmsg', 'bits', 'announcement', 'sub', 'submysterygift'];

export interface Synthetic {
  kind: Kind;
  id: string;
  room: Room;
  user: User;
  ts: number;
  text: string;
  line: string;
}

export function messageId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const escapeTag = (value: string) => value.replace(/\\/g, '\\\\').replace(/ /g, '\\s').replace(/;/g, '\\:');

export function privmsgLine(o: { id: string; room: Room | { login: string; id: null }; user: User; ts: number; text: string; bits?: number }): string {
  const tags = [
    'badge-info=', 'badges=', ...(o.bits !== undefined ? [`bits=${o.bits}`] : []), 'color=#FF4500', `display-name=${o.user.display}`, 'emotes=',
    'first-msg=0', 'flags=', `id=${o.id}`, 'mod=0', 'returning-chatter=0', ...(o.room.id !== null ? [`room-id=${o.room.id}`] : []),
    'subscriber=0', `tmi-sent-ts=${o.ts}`, 'turbo=0', `user-id=${o.user.id}`, 'user-type=',
  ];
  const u = o.user.login;
  return `@${tags.join(';')} :${u}!${u}@${u}.tmi.twitch.tv PRIVMSG #${o.room.login} :${o.text}`;
}

function usernoticeLine(o: { id: string; room: Room; user: User; ts: number; text: string | null; msgId: string; params: Record<string, string>; system: string }): string {
  const params = Object.entries(o.params).map(([k, v]) => `msg-param-${k}=${escapeTag(v)}`);
  const tags = [
    'badge-info=', 'badges=', 'color=', `display-name=${o.user.display}`, 'emotes=', 'flags=', `id=${o.id}`, `login=${o.user.login}`, 'mod=0',
    `msg-id=${o.msgId}`, ...params, `room-id=${o.room.id}`, 'subscriber=1', `system-msg=${escapeTag(o.system)}`, `tmi-sent-ts=${o.ts}`,
    'user-id=' + o.user.id, 'user-type=',
  ].sort();
  return `@${tags.join(';')} :tmi.twitch.tv USERNOTICE #${o.room.login}${o.text === null ? '' : ' :' + o.text}`;
}

function lineOf(kind: Kind, id: string, room: Room, user: User, ts: number, text: string): string {
  switch (kind) {
    case 'privmsg':
      return privmsgLine({ id, room, user, ts, text });
    case 'bits':
      return privmsgLine({ id, room, user, ts, text: `Cheer100 ${text}`, bits: 100 });
    case 'announcement':
      return usernoticeLine({ id, room, user, ts, text, msgId: 'announcement', params: { color: 'PRIMARY' }, system: '' });
    case 'sub':
      return usernoticeLine({ id, room, user, ts, text, msgId: 'resub', params: { 'cumulative-months': '3', 'sub-plan': '1000', 'sub-plan-name': 'Channel Subscription' }, system: `${user.display} subscribed at Tier 1.` });
    case 'submysterygift':
      return usernoticeLine({ id, room, user, ts, text: null, msgId: 'submysterygift', params: { 'mass-gift-count': '5', 'sub-plan': '1000', 'origin-id': id }, system: `${user.display} is gifting 5 Tier 1 Subs to ${room.login}'s community!` });
  }
}

/** One event of every kind for every room × user × time: 3 × 3 × 5 × 5 = 225 lines. */
export function syntheticEvents(): Synthetic[] {
  const out: Synthetic[] = [];
  let n = 0;
  for (const kind of KINDS) {
    for (const room of ROOMS) {
      for (const user of USERS) {
        for (const ts of TIMES) {
          const id = messageId(++n);
          const text = `${kind} ${n} in ${room.login} by ${user.login}`;
          out.push({ kind, id, room, user, ts, text, line: lineOf(kind, id, room, user, ts, text) });
        }
      }
    }
  }
  return out;
}
