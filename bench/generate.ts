// Generated chat for the import, storage and API benchmarks: the xqcow corpus replayed with fresh message
// ids, times, channels and users, so a file or database of any size looks like real chat (same text, same
// tags, same line lengths) without colliding on message ids. Deterministic apart from the UUIDs: the same
// seed gives the same channels, users and times.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseLine } from '../src/irc/parse.js';
import { escapeTagValue } from '../src/irc/tags.js';

export interface GeneratorOptions {
  channels: number;
  users: number;
  /** Time of the first line, ms since the epoch. */
  startMs: number;
  /** Average ms between two lines (across all channels). */
  stepMs: number;
  seed?: number;
}

// What a line is made of: fixed text between slots filled per line (a few concatenations instead of one
// per tag, which made generation, not the code under test, the slow part).
const ID = 0, ROOM_ID = 1, TIME = 2, USER_ID = 3, DISPLAY_NAME = 4, LOGIN = 5, CHANNEL = 6;
/** A user's look (badges, colour, ...) stays the same from line to line, as in real chat: it comes from the
 *  user's persona (one corpus user's tags), not from whichever corpus line is being replayed. */
const PERSONA_TAGS = ['badge-info', 'badges', 'color', 'mod', 'subscriber', 'turbo', 'user-type'];
const PERSONA = 7;
const SLOT_OF_TAG: Record<string, number> = { 'id': ID, 'room-id': ROOM_ID, 'tmi-sent-ts': TIME, 'user-id': USER_ID, 'target-user-id': USER_ID, 'display-name': DISPLAY_NAME, 'login': LOGIN };
PERSONA_TAGS.forEach((tag, i) => (SLOT_OF_TAG[tag] = PERSONA + i));

interface Template {
  /** texts.length === slots.length + 1: texts[0] slot[0] texts[1] slot[1] … texts[n]. */
  texts: string[];
  slots: number[];
  displayName: string | null;
  /** Escaped values of PERSONA_TAGS on this line, when it is a chatter's line. */
  persona: string[] | null;
}

export interface GeneratedUser { id: string; login: string; displayName: string; persona: string[]; home: GeneratedChannel }
export interface GeneratedChannel { id: string; name: string }

/** Most of a user's lines go to their home channel (as in real chat: people mostly watch one streamer). */
const HOME_SHARE = 0.9;

/** Chat is conversation: a line is often by someone who wrote a moment ago (one of the last RECENT_USERS
 *  new speakers), not an independent draw from the whole audience. */
const RECENT_SHARE = 0.6;
const RECENT_USERS = 256;

/** Small fast PRNG (mulberry32): reproducible choices of channel, user and time jitter. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toTemplate(line: string): Template | null {
  const m = parseLine(line);
  if (m.malformed || m.params[0]?.charCodeAt(0) !== 35) return null;
  const texts: string[] = [''];
  const slots: number[] = [];
  const text = (t: string) => (texts[texts.length - 1] += t);
  const slot = (s: number) => {
    slots.push(s);
    texts.push('');
  };
  let first = true;
  for (const [key, value] of Object.entries(m.tags)) {
    text((first ? '@' : ';') + key + '=');
    first = false;
    const s = SLOT_OF_TAG[key];
    if (s === undefined) text(escapeTagValue(value));
    else slot(s);
  }
  if (!first) text(' ');
  if (m.prefix?.nick != null && m.prefix.user !== null) {
    text(':');
    slot(LOGIN);
    text('!');
    slot(LOGIN);
    text('@');
    slot(LOGIN);
    text('.tmi.twitch.tv');
  } else text(':' + (m.prefix?.host ?? 'tmi.twitch.tv'));
  text(` ${m.command} #`);
  slot(CHANNEL);
  const after = m.params.slice(1);
  if (m.command === 'CLEARCHAT' && after.length > 0) {
    text(' :'); // the target login
    slot(LOGIN);
  } else text(after.map((p, i) => (i === after.length - 1 && m.hasTrailing ? ' :' + p : ' ' + p)).join(''));
  const persona = m.command === 'PRIVMSG' && m.tags['user-id'] !== undefined ? PERSONA_TAGS.map((tag) => escapeTagValue(m.tags[tag] ?? '')) : null;
  return { texts, slots, displayName: m.tags['display-name'] ?? null, persona };
}

export class ChatGenerator {
  readonly channels: GeneratedChannel[];
  readonly users: GeneratedUser[];
  private readonly templates: Template[];
  private readonly random: () => number;
  private index = 0;
  private readonly recent: GeneratedUser[] = [];
  private recentNext = 0;
  private readonly values: string[] = new Array<string>(PERSONA + PERSONA_TAGS.length).fill('');
  private timeMs: number;

  constructor(corpus: readonly string[], private readonly options: GeneratorOptions) {
    this.templates = corpus.map(toTemplate).filter((t): t is Template => t !== null);
    if (this.templates.length === 0) throw new Error('generator: the corpus has no channel lines');
    this.random = prng(options.seed ?? 1);
    this.timeMs = options.startMs;
    // Names come from the corpus (real-looking, realistic lengths), numbered when the corpus runs out.
    const seen = new Set<string>();
    const names = this.templates.map((t) => t.displayName ?? '')
      .filter((n) => /^\w+$/.test(n) && !seen.has(n.toLowerCase()) && seen.add(n.toLowerCase()) !== undefined);
    if (names.length === 0) names.push('chatter');
    // `name_7` cannot collide with another corpus name plus suffix: the suffix is all digits.
    const nameFor = (k: number) => (k < names.length ? names[k]! : `${names[k % names.length]}_${Math.floor(k / names.length)}`);
    this.channels = Array.from({ length: options.channels }, (_, c) => ({ id: String(20_000_000 + c), name: nameFor(names.length - 1 - (c % names.length)).toLowerCase() + (c >= names.length ? `_${c}` : '') }));
    const random = prng((options.seed ?? 1) + 1);
    const personas = this.templates.flatMap((t) => (t.persona === null ? [] : [t.persona]));
    this.users = Array.from({ length: options.users }, (_, k) => {
      const displayName = nameFor(k);
      return { id: String(100_000_000 + k), login: displayName.toLowerCase(), displayName, persona: personas[k % personas.length] ?? PERSONA_TAGS.map(() => ''), home: this.channels[Math.floor(this.channels.length * random() * random())]! };
    });
  }

  /** Time of the last line generated. */
  get lastTimeMs(): number {
    return this.timeMs;
  }

  /**
   * The next line. Channels and users are skewed like real chat (a few busy channels, a few very talkative
   * users): index = floor(n · r²) puts ~10% of the lines on the busiest 1% of users; a user writes mostly
   * in their home channel, and often wrote a moment ago.
   */
  next(): string {
    const t = this.templates[this.index++ % this.templates.length]!;
    const r = this.random;
    let user: GeneratedUser;
    if (r() < RECENT_SHARE && this.recent.length === RECENT_USERS) user = this.recent[Math.floor(r() * RECENT_USERS)]!;
    else {
      user = this.users[Math.floor(this.users.length * r() * r())]!;
      this.recent[this.recentNext] = user;
      this.recentNext = (this.recentNext + 1) % RECENT_USERS;
    }
    const channel = r() < HOME_SHARE ? user.home : this.channels[Math.floor(this.channels.length * r() * r())]!;
    this.timeMs += Math.round(this.options.stepMs * 2 * r());
    const values = this.values;
    values[ID] = randomUUID();
    values[ROOM_ID] = channel.id;
    values[TIME] = String(this.timeMs);
    values[USER_ID] = user.id;
    values[DISPLAY_NAME] = user.displayName;
    values[LOGIN] = user.login;
    values[CHANNEL] = channel.name;
    for (let i = 0; i < user.persona.length; i++) values[PERSONA + i] = user.persona[i]!;
    let out = t.texts[0]!;
    for (let i = 0; i < t.slots.length; i++) out += values[t.slots[i]!]! + t.texts[i + 1]!;
    return out;
  }
}

/** Writes `count` generated lines to `path`; returns the bytes written. */
export function writeLog(path: string, generator: ChatGenerator, count: number): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    const chunk: string[] = [];
    for (let i = 0; i < count; i++) {
      chunk.push(generator.next());
      if (chunk.length === 4096 || i === count - 1) {
        bytes += writeSync(fd, chunk.join('\n') + '\n');
        chunk.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}
