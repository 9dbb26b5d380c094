import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LineSplitter } from '../../src/irc/lines.js';
import { corpusLines } from './corpus.js';

/** Feeds `bytes` cut at the given offsets and collects every line, including the unterminated rest. */
function splitAt(bytes: Buffer, cuts: readonly number[]): string[] {
  const splitter = new LineSplitter();
  const out: string[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...splitter.push(bytes.subarray(from, cut)));
    from = cut;
  }
  const rest = splitter.end();
  if (rest !== null) out.push(rest);
  return out;
}

describe('LineSplitter', () => {
  // Real lines with multi-byte characters: 👉 (4 bytes), Ã/Ê (2 bytes), U+E0000 (4 bytes).
  const lines = corpusLines('twitch-lines.txt').filter((line) => Buffer.byteLength(line, 'utf8') > line.length).slice(0, 3);
  const text = lines.map((line) => line + '\r\n').join('');
  const bytes = Buffer.from(text, 'utf8');

  it('uses lines that really contain multi-byte characters', () => {
    assert.equal(lines.length, 3);
    assert.ok(bytes.length > text.length);
  });

  it('reassembles lines split into two chunks at every byte offset, UTF-8 and CRLF seams included', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      assert.deepEqual(splitAt(bytes, [cut]), lines, `cut at byte ${cut}`);
    }
  });

  it('reassembles lines fed one byte at a time', () => {
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(splitAt(bytes, cuts), lines);
  });

  it('reassembles lines cut at any set of offsets', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: bytes.length }), { maxLength: 30 }), (offsets) => {
        assert.deepEqual(splitAt(bytes, [...offsets].sort((a, b) => a - b)), lines);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes a 4-byte character split after each of its bytes', () => {
    const emoji = Buffer.from('PRIVMSG #a :👉\r\n', 'utf8');
    const at = emoji.indexOf(0xf0);
    for (let k = 1; k <= 3; k++) assert.deepEqual(splitAt(emoji, [at + k]), ['PRIVMSG #a :👉']);
  });

  it('removes CR only when it belongs to a CRLF split between chunks', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(Buffer.from('PING :a\r')), []);
    assert.deepEqual(splitter.push(Buffer.from('\nPING :b\r\n')), ['PING :a', 'PING :b']);
    assert.equal(splitter.end(), null);
  });

  it('accepts LF-only lines and mixed terminators', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('a\nb\r\nc\n'), ['a', 'b', 'c']);
  });

  it('keeps a CR inside a line', () => {
    assert.deepEqual(new LineSplitter().push('a\rb\r\n'), ['a\rb']);
  });

  it('skips empty lines', () => {
    assert.deepEqual(new LineSplitter().push('\r\n\n\r\na\n\n'), ['a']);
  });

  it('returns an unterminated last line from end(), without a trailing CR', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('a\r\nlast\r'), ['a']);
    assert.equal(splitter.bufferedLength, 5);
    assert.equal(splitter.end(), 'last');
    assert.equal(splitter.bufferedLength, 0);
    assert.equal(splitter.end(), null);
  });

  it('returns a long line fed in many small chunks once, complete', () => {
    const long = 'x'.repeat(50_000);
    const splitter = new LineSplitter();
    const out: string[] = [];
    for (let i = 0; i < long.length; i += 7) out.push(...splitter.push(long.slice(i, i + 7)));
    out.push(...splitter.push('\r\n'));
    assert.deepEqual(out, [long]);
  });

  it('returns lines that do not keep their chunk alive (each line is decoded on its own, not sliced)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const filler = `PRIVMSG #c :${'y'.repeat(250)}\r\n`.repeat(256); // 64 KiB after the line that is kept
    const splitter = new LineSplitter();
    const kept: string[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 400; i++) kept.push(splitter.push(Buffer.from(`PING :keep this line ${i}\r\n${filler}`))[0]!);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(kept[399], 'PING :keep this line 399');
    // Sliced lines would pin 400 decoded chunks: 25 MiB.
    assert.ok(grown < 4 * 2 ** 20, `heap grew ${(grown / 2 ** 20).toFixed(1)} MiB for 400 short lines`);
  });
});
