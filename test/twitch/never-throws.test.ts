// parseLine and toEvent never throw: every corpus line, and 1,000,000 generated lines (mutated real lines,
// IRC-token soup, random strings). Each generated line must also come back with its raw text, an error when
// malformed, and, when well-formed, format back to the same message.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatLine } from '../../src/irc/format.js';
import { parseLine, type IrcMessage } from '../../src/irc/parse.js';
import { toEvent } from '../../src/twitch/map.js';
import { corpusLines } from '../irc/corpus.js';

const REAL = corpusLines('twitch-lines.txt');
const EDGE = corpusLines('edge-cases.txt');
const SEEDS = [...REAL, ...EDGE];

/** Characters that matter to the grammar, plus multi-byte and lone-surrogate trouble. */
const SPECIAL = [' ', ' ', ':', ';', '=', '@', '!', '\\', '\x01', '#', '\r', '\n', '-', '/', ',', '.', 'a', 'Z', '0', '9', '\uD83D', '👉', '\u{E0000}', 'é', '\0'];

function sameMessage(a: IrcMessage, b: IrcMessage): boolean {
  if (a.command !== b.command || a.params.length !== b.params.length) return false;
  for (let i = 0; i < a.params.length; i++) if (a.params[i] !== b.params[i]) return false;
  const pa = a.prefix;
  const pb = b.prefix;
  if ((pa === null) !== (pb === null)) return false;
  if (pa !== null && pb !== null && (pa.nick !== pb.nick || pa.user !== pb.user || pa.host !== pb.host)) return false;
  const ka = Object.keys(a.tags);
  if (ka.length !== Object.keys(b.tags).length) return false;
  for (const k of ka) if (!Object.hasOwn(b.tags, k) || a.tags[k] !== b.tags[k]) return false;
  return true;
}

/** The properties every line must have; throws (failing the run) when one does not hold. */
function check(line: string, roundTrip: boolean): void {
  const m = parseLine(line);
  const event = toEvent(m);
  if (event.irc !== m || typeof event.type !== 'string') throw new Error('event does not carry its message');
  if (!line.startsWith(m.raw) || /[^\r\n]/.test(line.slice(m.raw.length))) throw new Error('raw text lost');
  if (m.malformed !== (event.type === 'malformed')) throw new Error('malformed flag and event type disagree');
  if (m.malformed) {
    if (m.error === null) throw new Error('malformed without a reason');
    return;
  }
  if (!/^(?:[A-Z]+|[0-9]{3})$/.test(m.command)) throw new Error(`command not upper case: ${m.command}`);
  // IRC forbids CR and LF inside a message, so only lines without them are expected to survive formatting.
  if (roundTrip && !/[\r\n]/.test(line) && !sameMessage(parseLine(formatLine(m)), m)) throw new Error(`round trip changed ${JSON.stringify(line)}`);
}

/**
 * Applies up to three edits to a real line, each drawn from 20 bits of `a` and `b` (two cheap integers instead
 * of an array of tuples, which costs more to generate than the parse it feeds): insertion, deletion or
 * replacement of a grammar character, a UTF-8 byte flip, or truncation.
 */
function mutate(line: string, a: number, b: number): string {
  let s = line;
  const edits = [a & 0xfffff, b & 0xfffff, ((a >>> 20) | ((b >>> 20) << 11)) & 0xfffff].slice(0, 1 + (a % 3));
  for (const bits of edits) {
    const position = bits >>> 8; // 0..4095
    const kind = (bits >>> 5) & 7;
    const value = bits & 31;
    const at = s.length === 0 ? 0 : position % s.length;
    const char = SPECIAL[value % SPECIAL.length]!;
    if (kind <= 1) s = s.slice(0, at) + char + s.slice(at);
    else if (kind <= 3) s = s.slice(0, at) + s.slice(at + 1);
    else if (kind === 4) s = s.slice(0, at) + char + s.slice(at + 1);
    else if (kind <= 6) {
      const bytes = Buffer.from(s, 'utf8');
      if (bytes.length > 0) {
        const i = position % bytes.length;
        bytes[i] = bytes[i]! ^ (1 << (value & 7));
      }
      s = bytes.toString('utf8');
    } else s = s.slice(0, at);
  }
  return s;
}

describe('parseLine and toEvent never throw', () => {
  it('on every line of the real and edge-case corpora, with a round trip for each well-formed one', () => {
    for (const line of SEEDS) check(line, true);
  });

  it('on 250,000 real lines mutated by insertion, deletion, replacement, byte flips and truncation', () => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.nat(), fc.nat(), (index, a, b) => {
        check(mutate(SEEDS[index]!, a, b), (a & 7) === 0);
      }),
      { numRuns: 250_000 },
    );
  });

  it('on 500,000 lines of IRC tokens in random order', () => {
    const token = fc.constantFrom(
      '@', 'a=b', 'k', 'k=', ';', '=', ' ', '  ', ':', ':tmi.twitch.tv', ':n!u@h', '!', 'PRIVMSG', 'USERNOTICE', 'CLEARCHAT', 'ROOMSTATE',
      'WHISPER', 'HOSTTARGET', '353', '366', 'PING', '#chan', '#', 'msg-id=sharedchatnotice', 'source-msg-id=resub', 'emotes=25:4-0/1:0-99',
      'bits=', 'bits=-1', 'badges=vip', 'vip=', '\x01ACTION', '\x01', '\\', '\\s', '\r\n', 'ß', '\uDC00', '__proto__=x', 'constructor',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), (tokens) => {
        check(tokens.join(''), true);
      }),
      { numRuns: 500_000 },
    );
  });

  it('on 250,000 random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (line) => {
        check(line, true);
      }),
      { numRuns: 250_000 },
    );
  });
});
