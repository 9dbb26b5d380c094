// isoTime gives exactly what Date#toISOString gives, for any time a Date can hold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoTime } from '../../src/api/iso-time.js';

const MAX_MS = 8_640_000_000_000_000;
const expected = (ms: number) => new Date(ms).toISOString();

describe('isoTime', () => {
  it('equals toISOString for random times across the whole Date range', () => {
    fc.assert(fc.property(fc.integer({ min: -MAX_MS, max: MAX_MS }), (ms) => isoTime(ms) === expected(ms)), { numRuns: 20_000 });
  });

  it('equals toISOString for runs of nearby times (the per-day cache), recent and old', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1960, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.array(fc.integer({ min: -200_000_000, max: 200_000_000 }), { maxLength: 50 }), (base, steps) => {
      return steps.every((step) => isoTime(base + step) === expected(base + step));
    }), { numRuns: 2_000 });
  });

  it('equals toISOString at the edges: epoch, day and year boundaries, years 0, 9999, 10000 and negative, the Date limits', () => {
    const edges = [
      0, -1, 1, 999, 1000, 86_399_999, 86_400_000, -86_400_000, -86_400_001,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 2, 1), Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(0, 0, 1) - 1, Date.UTC(0, 0, 1), new Date('0000-01-01T00:00:00.000Z').getTime(), new Date('0000-01-01T00:00:00.000Z').getTime() - 1,
      new Date('9999-12-31T23:59:59.999Z').getTime(), new Date('+010000-01-01T00:00:00.000Z').getTime(),
      new Date('-000001-12-31T23:59:59.999Z').getTime(), new Date('-271821-04-20T00:00:00.000Z').getTime(),
      MAX_MS, -MAX_MS, MAX_MS - 1, -MAX_MS + 1,
    ];
    for (const ms of edges) assert.equal(isoTime(ms), expected(ms), String(ms));
    for (const ms of [...edges].reverse()) assert.equal(isoTime(ms), expected(ms), String(ms));
  });

  it('throws as toISOString does outside the Date range and for NaN; truncates fractions as Date does', () => {
    for (const ms of [MAX_MS + 1, -MAX_MS - 1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => isoTime(ms), RangeError);
    for (const ms of [1.5, -1.5, 1_705_329_000_123.9]) assert.equal(isoTime(ms), expected(ms));
  });
});
