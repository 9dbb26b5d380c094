// Typed Twitch events: one discriminated union, `type` chosen from one table (map.ts).
// Every event keeps its IrcMessage (and so the raw line and all tags): nothing is lost by typing.
import type { IrcMessage } from '../irc/parse.js';
import type { FieldValue } from './fields.js';
import type { NoticeKind } from './usernotice.js';

/** Who sent a PRIVMSG / USERNOTICE / WHISPER, or whose state USERSTATE describes. */
export interface ChatUser {
  userId: string | null;
  /** Lower-case login, from the `login` tag or the prefix nick. */
  login: string | null;
  displayName: string | null;
  color: string | null;
  badges: string | null;
  badgeInfo: string | null;
  userType: string | null;
  turbo: boolean | null;
  mod: boolean | null;
  subscriber: boolean | null;
  /** `vip` is present only for VIPs ("check for the presence of the tag"), or the `vip` badge. */
  vip: boolean;
}

interface Base {
  irc: IrcMessage;
  /** `#login`, lower case, or null when the line names no channel. */
  channel: string | null;
  roomId: string | null;
  /** Twitch's message id (`id` tag; `message-id` for WHISPER). */
  id: string | null;
  /** Twitch's `tmi-sent-ts` in ms since the epoch, when present. */
  tmiSentTs: number | null;
}

export interface PrivmsgEvent extends Base {
  type: 'privmsg';
  user: ChatUser;
  /** Message text without the `\x01ACTION ...\x01` wrapper of /me. */
  text: string;
  action: boolean;
  bits: number | null;
  /** PRIVMSG `msg-id` (highlighted-message, gigantified-emote-message, animated-message, user-intro, ...). */
  msgType: string | null;
  firstMsg: boolean | null;
  returningChatter: boolean | null;
  /** Power-up animation (`animation-id`, with msg-id `animated-message`), e.g. `simmer`. */
  animationId: string | null;
  customRewardId: string | null;
  /** Shared Chat: the original message's id (deduplicate across rooms by it) and room. */
  sourceId: string | null;
  sourceRoomId: string | null;
  /** Shared Chat: true when the message was sent only to the source channel. */
  sourceOnly: boolean | null;
  /** Shared Chat: the sender's badges in the source room. */
  sourceBadges: string | null;
  sourceBadgeInfo: string | null;
  /** The direct parent of a reply. */
  reply: { msgId: string; userId: string | null; login: string | null; displayName: string | null; body: string | null } | null;
  /** The top-level parent of a reply thread. */
  thread: { msgId: string; userId: string | null; login: string | null; displayName: string | null } | null;
}

export interface UsernoticeEvent extends Base {
  type: 'usernotice';
  user: ChatUser;
  /** The effective msg-id: for `sharedchatnotice`, the original `source-msg-id`. */
  msgId: string | null;
  /** True when the notice was mirrored from another room of a Shared Chat session. */
  shared: boolean;
  kind: NoticeKind;
  /** The kind's `msg-param-*` fields by seed column name. */
  params: Record<string, FieldValue>;
  systemMsg: string | null;
  /** The user's own message (resub note, announcement text), without a /me wrapper, or null. */
  text: string | null;
  /** True when the user's message was a /me. Twitch then counts `emotes` positions from after the leading
   *  `\x01` (so `ACTION ` is counted), unlike PRIVMSG: see `emoteText` in emotes.ts. */
  action: boolean;
  sourceId: string | null;
  sourceRoomId: string | null;
  sourceBadges: string | null;
  sourceBadgeInfo: string | null;
}

export interface ClearchatEvent extends Base {
  type: 'clearchat';
  /** The banned / timed-out login, or null when the whole chat was cleared. */
  targetLogin: string | null;
  targetUserId: string | null;
  /** Seconds for a timeout, null for a permanent ban or a clear. */
  banDuration: number | null;
}

export interface ClearmsgEvent extends Base {
  type: 'clearmsg';
  login: string | null;
  targetMsgId: string | null;
  text: string | null;
}

export interface RoomModes {
  emote_only: boolean | null;
  /** Minutes; -1 = off. */
  followers_only: number | null;
  r9k: boolean | null;
  /** Seconds; 0 = off. */
  slow: number | null;
  subs_only: boolean | null;
}

export interface RoomstateEvent extends Base {
  type: 'roomstate';
  /** Only the modes present on the line: on a change Twitch sends just the changed one. */
  modes: RoomModes;
}

export interface UserstateEvent extends Base {
  type: 'userstate' | 'globaluserstate';
  user: ChatUser;
  emoteSets: string | null;
}

export interface NoticeEvent extends Base {
  type: 'notice';
  msgId: string | null;
  targetUserId: string | null;
  text: string | null;
}

export interface WhisperEvent extends Base {
  type: 'whisper';
  user: ChatUser;
  recipient: string | null;
  threadId: string | null;
  text: string | null;
}

export interface HosttargetEvent extends Base {
  type: 'hosttarget';
  target: string | null;
  viewers: number | null;
}

export interface MembershipEvent extends Base {
  type: 'join' | 'part';
  login: string | null;
}

export interface NamesEvent extends Base {
  type: 'names';
  names: string[];
}

export interface ServerEvent extends Base {
  /** endofnames (366), reconnect, ping, pong, cap, numeric (any other 3-digit reply). */
  type: 'endofnames' | 'reconnect' | 'ping' | 'pong' | 'cap' | 'numeric';
}

export interface UnknownEvent extends Base {
  /** `unknown`: a well-formed line of a command we have no mapping for; `malformed`: the IRC layer could not frame it. */
  type: 'unknown' | 'malformed';
}

export type TwitchEvent =
  | PrivmsgEvent
  | UsernoticeEvent
  | ClearchatEvent
  | ClearmsgEvent
  | RoomstateEvent
  | UserstateEvent
  | NoticeEvent
  | WhisperEvent
  | HosttargetEvent
  | MembershipEvent
  | NamesEvent
  | ServerEvent
  | UnknownEvent;

export type EventType = TwitchEvent['type'];
