// Benchmark 1 — parsing: µs per line over the xqcow corpus for our parser and the peers', same process, same
// lines, warmed up, interleaved rounds (the order rotates each round so no parser always runs after the same
// neighbour's garbage), median. Before timing, every parser's output is compared with ours line by line.
import { isDeepStrictEqual } from 'node:util';
import { loadPeers, parsersUnderTest, type ParserUnderTest } from './parse-peers.js';
import { corpusLines, XQCOW_LOG } from './paths.js';
import type { BenchContext, BenchResult, Table } from './result.js';
import { load1, median, percentile, ratio, significant } from './stats.js';

export interface Agreement {
  compared: number;
  differing: number;
  refused: number;
  example: string | null;
}

/** Which fields (or tags) differ, ours first: `text="a" vs "b"`. */
function describeDifference(ours: unknown, theirs: unknown): string {
  const a = ours instanceof Map ? ours : new Map(Object.entries(ours ?? {}));
  const b = theirs instanceof Map ? theirs : new Map(Object.entries(theirs ?? {}));
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => !isDeepStrictEqual(a.get(k), b.get(k)));
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 60);
  return keys.length > 0 ? keys.map((k) => `${k} ${show(a.get(k))} vs ${show(b.get(k))}`).join(', ') : 'command or params differ';
}

/** Every line through both parsers: same command, params and (unescaped) tags, or same typed PRIVMSG fields. */
export function checkAgreement(lines: readonly string[], reference: ParserUnderTest, parser: ParserUnderTest): Agreement {
  const result: Agreement = { compared: 0, differing: 0, refused: 0, example: null };
  for (const line of lines) {
    let difference: string | null = null;
    if (parser.layer === 'irc') {
      const ours = reference.ircView!(line);
      const theirs = parser.ircView!(line);
      result.compared++;
      if (theirs === null) {
        result.refused++;
        continue;
      }
      if (ours === null) difference = 'ours: malformed';
      else if (!isDeepStrictEqual(ours.tags, theirs.tags)) difference = describeDifference(ours.tags, theirs.tags);
      else if (ours.command !== theirs.command || !isDeepStrictEqual(ours.params, theirs.params)) {
        difference = describeDifference({ command: ours.command, params: ours.params }, { command: theirs.command, params: theirs.params });
      }
    } else {
      const ours = reference.typedView!(line);
      const theirs = parser.typedView!(line);
      if (ours === 'not-privmsg' && theirs === 'not-privmsg') continue;
      result.compared++;
      if (theirs === null) {
        result.refused++;
        continue;
      }
      if (!isDeepStrictEqual(ours, theirs)) difference = describeDifference(ours, theirs);
    }
    if (difference !== null) {
      result.differing++;
      result.example ??= difference;
    }
  }
  return result;
}

export async function parseBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const started = Date.now();
  const loadBefore = load1();
  const lines = corpusLines();
  await loadPeers();
  const parsers = parsersUnderTest();
  const rounds = ctx.quick ? 5 : 21;
  const passesPerRound = ctx.quick ? 1 : 4;
  const warmupPasses = ctx.quick ? 4 : 20;

  const agreement = new Map<string, Agreement>();
  for (const parser of parsers) {
    if (parser.ours) continue;
    const reference = parsers.find((p) => p.ours && p.layer === parser.layer)!;
    agreement.set(parser.name, checkAgreement(lines, reference, parser));
  }

  ctx.log(`parse: warming up ${parsers.length} parsers (${warmupPasses} passes of ${lines.length} lines)`);
  const checksums = new Map<string, number>();
  for (const parser of parsers) for (let i = 0; i < warmupPasses; i++) checksums.set(parser.name, parser.run(lines));

  const samples = new Map<string, number[]>(parsers.map((p) => [p.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < parsers.length; k++) {
      const parser = parsers[(k + round) % parsers.length]!;
      const t0 = process.hrtime.bigint();
      let sum = 0;
      for (let pass = 0; pass < passesPerRound; pass++) sum += parser.run(lines);
      const ns = Number(process.hrtime.bigint() - t0);
      if (sum !== checksums.get(parser.name)! * passesPerRound) throw new Error(`parse: ${parser.name} gave a different result in round ${round}`);
      samples.get(parser.name)!.push(ns / 1000 / (lines.length * passesPerRound));
    }
  }
  ctx.log(`parse: ${rounds} rounds done`);

  const usPerLine = (name: string) => median(samples.get(name)!);
  const table = (layer: 'irc' | 'typed', caption: string): Table => {
    const ours = parsers.find((p) => p.ours && p.layer === layer)!;
    const oursUs = usPerLine(ours.name);
    return {
      caption,
      columns: [
        { key: 'parser', label: 'Parser' },
        { key: 'usPerLine', label: 'µs/line (median)' },
        { key: 'spread', label: 'p10–p90 µs/line' },
        { key: 'linesPerSec', label: 'lines/s' },
        { key: 'saltmineFaster', label: 'saltmine is × faster' },
        { key: 'agreement', label: 'output equal to ours' },
      ],
      rows: parsers.filter((p) => p.layer === layer).map((p) => {
        const us = usPerLine(p.name);
        const agree = agreement.get(p.name);
        return {
          parser: p.name,
          what: p.what,
          usPerLine: significant(us, 3),
          spread: `${significant(percentile(samples.get(p.name)!, 10), 3)}–${significant(percentile(samples.get(p.name)!, 90), 3)}`,
          linesPerSec: Math.round(1e6 / us),
          saltmineFaster: p.ours ? null : ratio(us, oursUs),
          agreement: agree === undefined ? '(reference)' : `${agree.compared - agree.differing - agree.refused}/${agree.compared}${agree.refused ? `, ${agree.refused} refused` : ''}`,
        };
      }),
    };
  };

  const ircTable = table('irc', 'IRC layer: line → message with unescaped tags');
  const typedTable = table('typed', 'Typed layer: line → Twitch message object');
  const fastestPeer = ircTable.rows.filter((r) => typeof r['saltmineFaster'] === 'number').sort((a, b) => (a['usPerLine'] as number) - (b['usPerLine'] as number))[0]!;
  const notes = [...agreement].filter(([, a]) => a.example !== null).map(([name, a]) => `${name}: ${a.differing} of ${a.compared} lines differ from ours, e.g. ${a.example}`);
  return {
    name: 'parse',
    title: 'Parse',
    date: new Date(started).toISOString(),
    loadBefore,
    seconds: Math.round((Date.now() - started) / 1000),
    quick: ctx.quick,
    setup: { corpus: XQCOW_LOG.slice(XQCOW_LOG.indexOf('test/')), lines: lines.length, rounds, linesPerRound: lines.length * passesPerRound, warmupLines: lines.length * warmupPasses },
    tables: [ircTable, typedTable],
    targets: [{
      what: 'parse speed vs the fastest peer IRC parser',
      target: '≥ 3× faster',
      measured: `${fastestPeer['saltmineFaster']}× faster than ${fastestPeer['parser']}`,
      met: (fastestPeer['saltmineFaster'] as number) >= 3,
    }],
    notes,
  };
}
