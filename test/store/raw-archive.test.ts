// A raw block holds its lines exactly: every line comes back as its UTF-8 (a lone surrogate, which UTF-8 cannot
// hold, as U+FFFD, as Buffer.from writes it), with its receive time, in a written and in a merged row.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeRow, encodeBlock } from '../../src/store/sqlite/raw-archive.js';

const lineText = fc.string({ unit: fc.constantFrom('a', ' ', ':', ';', '@', '\r', '\u0000', 'é', 'ÿ', 'Ā', '\u2028', '😀', '\ud800', '\udfff', '中'), maxLength: 30 });
const asStored = (line: string) => Buffer.from(line, 'utf8').toString('utf8');

describe('raw block text', () => {
  it('gives back every line and receive time, Latin-1, two-byte and astral text alike', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(lineText, fc.integer({ min: 0, max: 10_000 })), { minLength: 1, maxLength: 40 }), fc.boolean(), async (items, merged) => {
      const lines = items.map(([line]) => line);
      const receivedMs = items.map(([, offset]) => 1_700_000_000_000 + offset);
      const counts = merged && lines.length > 1 ? [1, lines.length - 1] : undefined;
      const block = await encodeBlock(lines, receivedMs, counts);
      const row = decodeRow(7, block.firstMs, block.codec, block.data);
      assert.deepEqual(row.lines.map((l) => l.line), lines.map(asStored));
      assert.deepEqual(row.lines.map((l) => l.receivedMs), receivedMs);
      assert.equal(block.count, lines.length);
    }), { numRuns: 300 });
  });
});
