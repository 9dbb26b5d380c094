// The table: IRC command → typed event. Missing tags give nulls (old lines have no badge-info / room-id),
// an unmapped command gives `unknown`, a line the IRC layer could not frame gives `malformed`. Never throws.
import { parseLine, type IrcMessage } from '../irc/parse.js';
import type { Tags } from '../irc/tags.js';
import { badgeVersion } from './badges.js';
import type { ChatUser, RoomModes, TwitchEvent } from './events.js';
import { boolOf, fieldReader, intOf, parseIntStrict, strOf, type FieldValue } from './fields.js';
import { NOTICE_KINDS, noticeKind, type NoticeKind } from './usernotice.js';

type Base = { irc: IrcMessage; channel: string | null; roomId: string | null; id: string | null; tmiSentTs: number | null };
// Builders list the base fields one by one: `{ ...base, ... }` with this many properties measured 20x slower
// in V8 (25 µs instead of 1.2 µs per PRIVMSG), and this runs for every line received.
type Builder = (m: IrcMessage, base: Base) => TwitchEvent;

/** `text` in lower case; the same string when it has no capital (Twitch's logins never do), without a copy. */
export function lowerCase(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return text.toLowerCase();
  }
  return text;
}

/** Lower-case `#login` from a channel param; accepts a name without `#`. */
export function normalizeChannel(param: string | undefined): string | null {
  if (param === undefined || param === '' || param === '*') return null;
  return lowerCase(param.charCodeAt(0) === 35 ? param : '#' + param);
}

function trailing(m: IrcMessage): string | null {
  return m.params.length > 1 ? m.params[m.params.length - 1]! : null;
}

function user(tags: Tags, m: IrcMessage): ChatUser {
  const badges = strOf(tags['badges']);
  const login = strOf(tags['login']) ?? (m.prefix?.nick ? lowerCase(m.prefix.nick) : null);
  return {
    userId: strOf(tags['user-id']),
    login,
    displayName: strOf(tags['display-name']),
    color: strOf(tags['color']),
    badges,
    badgeInfo: strOf(tags['badge-info']),
    userType: strOf(tags['user-type']),
    turbo: boolOf(tags['turbo']),
    mod: boolOf(tags['mod']),
    subscriber: boolOf(tags['subscriber']),
    vip: tags['vip'] !== undefined ? tags['vip'] !== '0' : badgeVersion(badges, 'vip') !== null,
  };
}

const ACTION_PREFIX = '\x01ACTION';

/** `/me` arrives as `\x01ACTION text\x01` (also empty: `\x01ACTION\x01`). */
function splitAction(text: string): [string, boolean] {
  if (text.charCodeAt(0) !== 1 || !text.startsWith(ACTION_PREFIX)) return [text, false];
  const after = text.charCodeAt(ACTION_PREFIX.length);
  if (after !== 32 && after !== 1 && !Number.isNaN(after)) return [text, false];
  let body = text.slice(ACTION_PREFIX.length + (after === 32 ? 1 : 0));
  if (body.charCodeAt(body.length - 1) === 1) body = body.slice(0, -1);
  return [body, true];
}

const privmsg: Builder = (m, base) => {
  const t = m.tags;
  const [text, action] = splitAction(trailing(m) ?? '');
  const replyId = strOf(t['reply-parent-msg-id']);
  const threadId = strOf(t['reply-thread-parent-msg-id']);
  return {
    irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
    type: 'privmsg',
    user: user(t, m),
    text,
    action,
    bits: intOf(t['bits']),
    msgType: strOf(t['msg-id']),
    firstMsg: boolOf(t['first-msg']),
    returningChatter: boolOf(t['returning-chatter']),
    animationId: strOf(t['animation-id']),
    customRewardId: strOf(t['custom-reward-id']),
    sourceId: strOf(t['source-id']),
    sourceRoomId: strOf(t['source-room-id']),
    sourceOnly: boolOf(t['source-only']),
    sourceBadges: strOf(t['source-badges']),
    sourceBadgeInfo: strOf(t['source-badge-info']),
    reply: replyId === null ? null : {
      msgId: replyId,
      userId: strOf(t['reply-parent-user-id']),
      login: strOf(t['reply-parent-user-login']),
      displayName: strOf(t['reply-parent-display-name']),
      body: strOf(t['reply-parent-msg-body']),
    },
    thread: threadId === null ? null : {
      msgId: threadId,
      userId: strOf(t['reply-thread-parent-user-id']),
      login: strOf(t['reply-thread-parent-user-login']),
      displayName: strOf(t['reply-thread-parent-display-name']),
    },
  };
};

const NOTICE_READERS = Object.fromEntries(Object.entries(NOTICE_KINDS).map(([kind, specs]) => [kind, fieldReader(specs)])) as
  Record<NoticeKind, (tags: Tags) => Record<string, FieldValue>>;

const usernotice: Builder = (m, base) => {
  const t = m.tags;
  const rawMsgId = strOf(t['msg-id']);
  const shared = rawMsgId === 'sharedchatnotice';
  const msgId = shared ? strOf(t['source-msg-id']) ?? rawMsgId : rawMsgId;
  const kind = noticeKind(msgId);
  const trailingText = trailing(m);
  const [text, action] = trailingText === null ? [null, false] : splitAction(trailingText);
  return {
    irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
    type: 'usernotice',
    user: user(t, m),
    msgId,
    shared,
    kind,
    params: NOTICE_READERS[kind](t),
    systemMsg: strOf(t['system-msg']),
    text,
    action,
    sourceId: strOf(t['source-id']),
    sourceRoomId: strOf(t['source-room-id']),
    sourceBadges: strOf(t['source-badges']),
    sourceBadgeInfo: strOf(t['source-badge-info']),
  };
};

const roomstate: Builder = (m, base) => {
  const t = m.tags;
  const modes: RoomModes = {
    emote_only: boolOf(t['emote-only']),
    followers_only: intOf(t['followers-only']),
    r9k: boolOf(t['r9k']),
    slow: intOf(t['slow']),
    subs_only: boolOf(t['subs-only']),
  };
  return { irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs, type: 'roomstate', modes };
};

const userstate = (type: 'userstate' | 'globaluserstate'): Builder => (m, base) => ({
  irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
  type,
  user: user(m.tags, m),
  emoteSets: strOf(m.tags['emote-sets']),
});

const membership = (type: 'join' | 'part'): Builder => (m, base) => ({
  irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
  type,
  login: m.prefix?.nick ? lowerCase(m.prefix.nick) : null,
});

const plain = (type: 'endofnames' | 'reconnect' | 'ping' | 'pong' | 'cap'): Builder => (_m, base) => ({ irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs, type });


const COMMANDS: Readonly<Record<string, Builder>> = {
  PRIVMSG: privmsg,
  USERNOTICE: usernotice,
  CLEARCHAT: (m, base) => ({
    irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
    type: 'clearchat',
    targetLogin: trailing(m)?.toLowerCase() ?? null,
    targetUserId: strOf(m.tags['target-user-id']),
    banDuration: intOf(m.tags['ban-duration']),
  }),
  CLEARMSG: (m, base) => ({
    irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
    type: 'clearmsg',
    login: strOf(m.tags['login']),
    targetMsgId: strOf(m.tags['target-msg-id']),
    text: trailing(m),
  }),
  ROOMSTATE: roomstate,
  USERSTATE: userstate('userstate'),
  GLOBALUSERSTATE: userstate('globaluserstate'),
  NOTICE: (m, base) => ({
    irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
    type: 'notice',
    msgId: strOf(m.tags['msg-id']),
    targetUserId: strOf(m.tags['target-user-id']),
    text: trailing(m),
  }),
  WHISPER: (m, base) => ({
    irc: base.irc,
    channel: null,
    roomId: base.roomId,
    id: strOf(m.tags['message-id']),
    tmiSentTs: base.tmiSentTs,
    type: 'whisper',
    user: user(m.tags, m),
    recipient: m.params[0]?.toLowerCase() ?? null,
    threadId: strOf(m.tags['thread-id']),
    text: trailing(m),
  }),
  HOSTTARGET: (m, base) => {
    // `:tmi.twitch.tv HOSTTARGET #hosting :<target|-> [viewers]`
    const [target, viewers] = (trailing(m) ?? '').split(' ');
    return {
      irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs,
      type: 'hosttarget',
      target: !target || target === '-' ? null : target.toLowerCase(),
      viewers: viewers ? parseIntStrict(viewers) : null,
    };
  },
  JOIN: membership('join'),
  PART: membership('part'),
  '353': (m, base) => ({ irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs, type: 'names', names: (trailing(m) ?? '').split(' ').filter((n) => n !== '') }),
  '366': plain('endofnames'),
  RECONNECT: plain('reconnect'),
  PING: plain('ping'),
  PONG: plain('pong'),
  CAP: plain('cap'),
};

function baseOf(m: IrcMessage): Base {
  // Commands name their channel in params[0]; 353 has `<me> = #chan`, 366 `<me> #chan`. Any command,
  // known or not (legacy `MODE #chan +o user`), gets the channel when that slot holds a `#name`; a PRIVMSG
  // to a user (`:jtv!… PRIVMSG someone`), `NOTICE *` or a numeric's `<me>` names none.
  const slot = m.params[m.command === '353' ? 2 : m.command === '366' ? 1 : 0];
  return {
    irc: m,
    channel: slot !== undefined && slot.charCodeAt(0) === 35 ? normalizeChannel(slot) : null,
    roomId: strOf(m.tags['room-id']),
    id: strOf(m.tags['id']),
    tmiSentTs: intOf(m.tags['tmi-sent-ts']),
  };
}

/** IrcMessage → TwitchEvent. Never throws. */
export function toEvent(m: IrcMessage): TwitchEvent {
  const base = baseOf(m);
  if (m.malformed) return { irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs, type: 'malformed' };
  const build = Object.hasOwn(COMMANDS, m.command) ? COMMANDS[m.command] : undefined;
  if (build !== undefined) return build(m, base);
  if (m.command.length === 3 && m.command.charCodeAt(0) <= 57) return { irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs, type: 'numeric' };
  return { irc: base.irc, channel: base.channel, roomId: base.roomId, id: base.id, tmiSentTs: base.tmiSentTs, type: 'unknown' };
}

/** One raw line → typed event. */
export function parseEvent(line: string): TwitchEvent {
  return toEvent(parseLine(line));
}
