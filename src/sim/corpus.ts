// The replay corpus: real captured lines turned into templates once, so that sending a line is a few
// string concatenations (the simulator must outrun the collector: >100k lines/s as a firehose).
// Each replayed line gets a fresh `id`, `room-id`, `tmi-sent-ts` and a `sim-seq` tag (the per-channel
// sequence number tests count by), so long runs and many channels never collide in the store.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseLine } from '../irc/parse.js';

/** The corpus shipped with the package, found from this file so it works from any working directory. */
export const DEFAULT_CORPUS = fileURLToPath(new URL('../../../test/fixtures/xqcow-2019-09-15.log', import.meta.url));

/** Tags the simulator writes itself on every replayed line. */
const REWRITTEN_TAGS = new Set(['id', 'room-id', 'tmi-sent-ts', 'sim-seq']);

export interface LineTemplate {
  /** The original tags minus the rewritten ones, escaped as on the wire, with a leading `;` (or ''). */
  otherTags: string;
  /** From the prefix up to and including the space before the channel: `:nick!… PRIVMSG ` */
  head: string;
  /** Everything after the channel name: ` :text`. */
  tail: string;
  /** True for PRIVMSG: what a connection without the commands capability still receives. */
  privmsg: boolean;
}

export interface Corpus {
  path: string;
  templates: LineTemplate[];
  /** Lines that cannot be replayed into a channel (no `#channel` first param, malformed): not used. */
  skipped: number;
}

/** Splits one captured line into a template, or null when it does not address a channel. */
export function toTemplate(line: string): LineTemplate | null {
  const msg = parseLine(line);
  const channel = msg.params[0];
  if (msg.malformed || channel === undefined || channel.charCodeAt(0) !== 35 || (msg.hasTrailing && msg.params.length === 1)) return null;
  let rest = msg.raw;
  let otherTags = '';
  if (rest.charCodeAt(0) === 64 /* @ */) {
    const sp = rest.indexOf(' ');
    for (const pair of rest.slice(1, sp).split(';')) {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      if (key !== '' && !REWRITTEN_TAGS.has(key)) otherTags += ';' + pair;
    }
    rest = rest.slice(sp + 1).trimStart();
  }
  const at = rest.indexOf(' ' + msg.command + ' ' + channel);
  if (at === -1) return null;
  const channelStart = at + msg.command.length + 2;
  return {
    otherTags,
    head: rest.slice(0, channelStart),
    tail: rest.slice(channelStart + channel.length),
    privmsg: msg.command === 'PRIVMSG',
  };
}

/** Reads a corpus file (one IRC line per line; blank lines and `# ` comments ignored). */
export function loadCorpus(path: string = DEFAULT_CORPUS): Corpus {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read corpus ${path}: ${(err as Error).message}`);
  }
  const templates: LineTemplate[] = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('# ')) continue;
    const template = toTemplate(line);
    if (template === null) skipped++;
    else templates.push(template);
  }
  if (templates.length === 0) throw new Error(`corpus ${path} holds no replayable channel lines`);
  return { path, templates, skipped };
}

/** A stable numeric room id for a channel name (FNV-1a), so the same channel keeps its id across runs. */
export function roomIdFor(channel: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < channel.length; i++) {
    hash ^= channel.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(100_000_000 + (hash % 900_000_000));
}

/** murmur3's finalizer: a bijection of 32-bit integers that spreads every input bit over the output. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/**
 * A version 4 UUID-shaped message id, unique per run, channel and sequence number, and as random-looking as
 * Twitch's own where it matters: the sequence number and channel are in the first two groups (uniqueness),
 * the run's low 16 bits and a mix of all three fill the rest. Twitch's ids are random v4 UUIDs, so ids that
 * differed only in a counter at the end made the store's id lookups (on the last 8 characters) meet every
 * other channel's message of the same number, which Twitch's ids never do.
 */
export function messageId(run: string, channelIndex: number, seq: number): string {
  const salt = parseInt(run.slice(-8), 16) >>> 0;
  const a = mix32((seq ^ salt ^ Math.imul(channelIndex + 1, 0x9e3779b1)) >>> 0);
  const b = mix32(a ^ 0x27d4eb2f);
  return `${hex(seq >>> 0, 8)}-${hex(channelIndex & 0xffff, 4)}-4${hex(b >>> 20, 3)}-${hex(8 | ((b >>> 18) & 3), 1)}${hex(b & 0xfff, 3)}-${hex(salt & 0xffff, 4)}${hex(a, 8)}`;
}

/** Builds one wire line (without CRLF) from a template. */
export function renderLine(t: LineTemplate, channel: string, roomId: string, id: string, seq: number, sentMs: number): string {
  return '@id=' + id + ';room-id=' + roomId + ';tmi-sent-ts=' + sentMs + ';sim-seq=' + seq + t.otherTags + ' ' + t.head + channel + t.tail;
}

/** Reads `sim-seq` back from a replayed line (tests count lines by it), or null. */
export function simSeqOf(line: string): number | null {
  const at = line.indexOf(';sim-seq=');
  if (at === -1) return null;
  const start = at + 9;
  let end = start;
  while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
  return end === start ? null : Number(line.slice(start, end));
}
