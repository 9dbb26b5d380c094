// The parsers under test, ours and the peers', each behind the same small adapter.
// Every adapter has its own `run` loop on purpose: one shared loop calling `parser.parse(line)` would be a
// megamorphic call site (and closures made by one factory share their feedback in V8), which would slow
// every parser by the same constant and shrink the ratios. A dedicated loop keeps each call monomorphic.
// `run` touches one field per line so nothing can be skipped; `tags` / `fields` give the full result for the
// check that every parser saw the same thing (run outside the timed rounds).
import { createRequire } from 'node:module';
import { parseLine } from '../src/irc/parse.js';
import { toEvent } from '../src/twitch/map.js';

const require = createRequire(import.meta.url);

// Minimal shapes of the peers' untyped (or loosely typed) results: only what is read here.
interface TmiMessage { tags: Record<string, string | boolean | null>; prefix: string | null; command: string | null; params: string[] }
interface TmiParser { msg(line: string): TmiMessage | null }
interface TmiUtils { unescapeIRC(value: string): string }
interface Ircv3Message { command: string; tags: Map<string, string>; rawParamValues: string[] }
interface DankIrcMessage { ircCommand: string; ircTags: Record<string, string | null>; ircParameters: string[] }
interface DankPrivmsg extends DankIrcMessage { channelName: string; senderUserID: string; displayName: string; messageText: string; serverTimestamp: Date }
interface TwurpleMessage { command: string }
interface TwurpleChatMessage extends TwurpleMessage { target: string; text: string; userInfo: { userId: string; displayName: string }; date: Date }

const tmiParser = require('tmi.js/lib/parser.js') as TmiParser;
const tmiUtils = require('tmi.js/lib/utils.js') as TmiUtils;
const ircv3 = require('ircv3') as { parseMessage(line: string): Ircv3Message };
const dank = require('dank-twitch-irc') as { parseIRCMessage(line: string): DankIrcMessage; parseTwitchMessage(line: string): DankIrcMessage };
// @twurple/chat is ESM only; loaded in loadPeers().
let twurpleParse: ((line: string) => TwurpleMessage) | null = null;

export async function loadPeers(): Promise<void> {
  const twurple = (await import('@twurple/chat')) as unknown as { parseTwitchMessage(line: string): TwurpleMessage };
  twurpleParse = twurple.parseTwitchMessage;
}

/** The tag transform tmi.js applies to every message in `client.handleMessage` (lib/client.js), verbatim in effect. */
function tmiTransformTags(tags: Record<string, string | boolean | null>): void {
  for (const key in tags) {
    if (key === 'emote-sets' || key === 'ban-duration' || key === 'bits') continue;
    let value: string | boolean | null = tags[key]!;
    if (typeof value === 'boolean') value = null;
    else if (value === '1') value = true;
    else if (value === '0') value = false;
    else if (typeof value === 'string') value = tmiUtils.unescapeIRC(value);
    tags[key] = value;
  }
}

function tmiParse(line: string): TmiMessage | null {
  const message = tmiParser.msg(line);
  if (message !== null) tmiTransformTags(message.tags);
  return message;
}

/** A parsed line reduced to what every IRC parser must agree on. */
export interface IrcView {
  command: string;
  params: string[];
  tags: Map<string, string>;
}

/** A parsed PRIVMSG reduced to what every typed layer must agree on. */
export interface TypedView {
  channel: string;
  userId: string | null;
  displayName: string | null;
  text: string;
  tmiSentTs: number | null;
}

export interface ParserUnderTest {
  name: string;
  /** 'irc': line → generic IRC message; 'typed': line → Twitch-specific message object. */
  layer: 'irc' | 'typed';
  ours: boolean;
  /** What exactly is timed, for the report. */
  what: string;
  /** Parses every line; returns a checksum so the work cannot be optimised away. Errors are counted, not thrown. */
  run(lines: readonly string[]): number;
  /** The same parse, returned for the equality check (null: the parser refused the line). */
  ircView?(line: string): IrcView | null;
  typedView?(line: string): TypedView | null | 'not-privmsg';
}

const mapOf = (entries: Iterable<[string, string]>): Map<string, string> => new Map(entries);

export function parsersUnderTest(): ParserUnderTest[] {
  if (twurpleParse === null) throw new Error('loadPeers() must be awaited before parsersUnderTest()');
  const twurple = twurpleParse;
  return [
    {
      name: 'saltmine parseLine',
      layer: 'irc',
      ours: true,
      what: 'src/irc/parse.ts parseLine (tags unescaped)',
      run(lines) {
        let sum = 0;
        for (let i = 0; i < lines.length; i++) sum += parseLine(lines[i]!).tags['id']?.length ?? 0;
        return sum;
      },
      ircView(line) {
        const m = parseLine(line);
        return m.malformed ? null : { command: m.command, params: m.params, tags: mapOf(Object.entries(m.tags)) };
      },
    },
    {
      name: 'tmi.js',
      layer: 'irc',
      ours: false,
      what: 'tmi.js 1.8.5 parser.msg + the tag transform of client.handleMessage (unescape, 0/1 → booleans)',
      run(lines) {
        let sum = 0;
        for (let i = 0; i < lines.length; i++) {
          const id = tmiParse(lines[i]!)?.tags['id'];
          sum += typeof id === 'string' ? id.length : 0;
        }
        return sum;
      },
      ircView(line) {
        const m = tmiParse(line);
        if (m === null || m.command === null) return null;
        // tmi.js gives `true` → null for an empty value and turns "1"/"0" into booleans: back to wire values.
        const tags = mapOf(Object.entries(m.tags).map(([k, v]) => [k, v === null ? '' : v === true ? '1' : v === false ? '0' : v]));
        return { command: m.command, params: m.params, tags };
      },
    },
    {
      name: 'ircv3 (twurple)',
      layer: 'irc',
      ours: false,
      what: 'ircv3 0.33.1 parseMessage (the IRC layer under @twurple/chat)',
      run(lines) {
        let sum = 0;
        for (let i = 0; i < lines.length; i++) {
          try {
            sum += ircv3.parseMessage(lines[i]!).tags.get('id')?.length ?? 0;
          } catch {
            sum--;
          }
        }
        return sum;
      },
      ircView(line) {
        try {
          const m = ircv3.parseMessage(line);
          return { command: m.command, params: m.rawParamValues, tags: m.tags };
        } catch {
          return null;
        }
      },
    },
    {
      name: 'dank-twitch-irc',
      layer: 'irc',
      ours: false,
      what: 'dank-twitch-irc 4.3.0 parseIRCMessage',
      run(lines) {
        let sum = 0;
        for (let i = 0; i < lines.length; i++) {
          try {
            sum += dank.parseIRCMessage(lines[i]!).ircTags['id']?.length ?? 0;
          } catch {
            sum--;
          }
        }
        return sum;
      },
      ircView(line) {
        try {
          const m = dank.parseIRCMessage(line);
          return { command: m.ircCommand, params: m.ircParameters, tags: mapOf(Object.entries(m.ircTags).map(([k, v]) => [k, v ?? ''])) };
        } catch {
          return null;
        }
      },
    },
    {
      name: 'saltmine toEvent(parseLine)',
      layer: 'typed',
      ours: true,
      what: 'src/twitch/map.ts toEvent(parseLine(line)): the typed event the store writes',
      run(lines) {
        let sum = 0;
        for (let i = 0; i < lines.length; i++) {
          const e = toEvent(parseLine(lines[i]!));
          if (e.type === 'privmsg') sum += e.text.length + (e.user.userId?.length ?? 0) + (e.user.displayName?.length ?? 0) + (e.tmiSentTs ?? 0);
          else sum++;
        }
        return sum;
      },
      typedView(line) {
        const e = toEvent(parseLine(line));
        if (e.type !== 'privmsg') return 'not-privmsg';
        return { channel: e.channel ?? '', userId: e.user.userId, displayName: e.user.displayName, text: e.text, tmiSentTs: e.tmiSentTs };
      },
    },
    {
      name: 'dank-twitch-irc typed',
      layer: 'typed',
      ours: false,
      what: 'dank-twitch-irc 4.3.0 parseTwitchMessage (PrivmsgMessage etc.)',
      run(lines) {
        let sum = 0;
        for (let i = 0; i < lines.length; i++) {
          try {
            const m = dank.parseTwitchMessage(lines[i]!);
            if (m.ircCommand === 'PRIVMSG') {
              const p = m as DankPrivmsg;
              sum += p.messageText.length + p.senderUserID.length + p.displayName.length + p.serverTimestamp.getTime();
            } else sum++;
          } catch {
            sum--;
          }
        }
        return sum;
      },
      typedView(line) {
        try {
          const m = dank.parseTwitchMessage(line);
          if (m.ircCommand !== 'PRIVMSG') return 'not-privmsg';
          const p = m as DankPrivmsg;
          return { channel: '#' + p.channelName, userId: p.senderUserID, displayName: p.displayName, text: p.messageText, tmiSentTs: p.serverTimestamp.getTime() };
        } catch {
          return null;
        }
      },
    },
    {
      name: '@twurple/chat typed',
      layer: 'typed',
      ours: false,
      what: '@twurple/chat 8.2.0 parseTwitchMessage (ChatMessage etc.; lazy getters forced: text, userInfo, date)',
      run(lines) {
        let sum = 0;
        for (let i = 0; i < lines.length; i++) {
          try {
            const m = twurple(lines[i]!);
            if (m.command === 'PRIVMSG') {
              const p = m as TwurpleChatMessage;
              const user = p.userInfo;
              sum += p.text.length + user.userId.length + user.displayName.length + p.date.getTime();
            } else sum++;
          } catch {
            sum--;
          }
        }
        return sum;
      },
      typedView(line) {
        try {
          const m = twurple(line);
          if (m.command !== 'PRIVMSG') return 'not-privmsg';
          const p = m as TwurpleChatMessage;
          return { channel: p.target, userId: p.userInfo.userId, displayName: p.userInfo.displayName, text: p.text, tmiSentTs: p.date.getTime() };
        } catch {
          return null;
        }
      },
    },
  ];
}
