// How rows read in format=text (`[2024-01-15 14:30:00] #channel user: text`, as justlog and rustlog write).
import type { Row } from '../../store/query.js';
import type { TextLine } from '../formats.js';

const str = (value: Row[string] | undefined): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Whoever sent the row: login, else display name, else id. */
export const chatter = (row: Row): string | null => str(row['login']) ?? str(row['display_name']) ?? str(row['user_id']);

/** A chat line: who said what. */
export const said: TextLine = (row) => ({ user: chatter(row), body: str(row['msg_content']) ?? '' });

/** A USERNOTICE: Twitch's system message, then what the user wrote with it. */
export const announced: TextLine = (row) => {
  const system = str(row['system_msg']) ?? str(row['msg_type']) ?? '';
  const text = str(row['msg_content']);
  return { user: null, body: text === null ? system : `${system} ${text}`.trim() };
};

export const whispered: TextLine = (row) => ({ user: chatter(row), body: `(to ${str(row['recipient']) ?? '?'}) ${str(row['msg_content']) ?? ''}` });

export const cheered: TextLine = (row) => ({ user: chatter(row), body: `(${row['bits'] ?? 0} bits) ${str(row['msg_content']) ?? ''}`.trim() });

export const banned: TextLine = (row) => {
  const login = str(row['target_login']);
  if (login === null) return { user: null, body: 'chat has been cleared' };
  const seconds = row['ban_duration'];
  return { user: null, body: typeof seconds === 'number' ? `${login} has been timed out for ${seconds} seconds` : `${login} has been banned` };
};

export const deleted: TextLine = (row) => ({ user: null, body: `a message from ${str(row['login']) ?? '?'} was deleted: ${str(row['msg_content']) ?? ''}` });

export const noticed: TextLine = (row) => ({ user: null, body: str(row['msg_content']) ?? str(row['msg_id']) ?? '' });

const MEMBERSHIP: Readonly<Record<string, string>> = { JOIN: 'joined', PART: 'left', NAMES: 'is in the channel' };
export const membership: TextLine = (row) => ({ user: null, body: `${str(row['username']) ?? '?'} ${MEMBERSHIP[String(row['join_part'])] ?? String(row['join_part'])}` });

const MODES = ['emote_only', 'followers_only', 'r9k', 'slow', 'subs_only'] as const;
/** The modes a ROOMSTATE set (the others were not part of the update). */
export const modes: TextLine = (row) => ({
  user: null,
  body: MODES.filter((mode) => row[mode] !== null && row[mode] !== undefined).map((mode) => `${mode}=${String(row[mode])}`).join(' ') || 'roomstate',
});
