// Date and cursor parameters as properties: every seed spelling of a day means that day in UTC, ISO and
// epoch values round-trip to the millisecond, and no string makes the parsers fail other than with a 400.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCursor, encodeCursor } from '../../src/api/cursor.js';
import { DateError, parseDateSpan } from '../../src/api/dates.js';
import { ApiError } from '../../src/api/errors.js';

const DAY = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const days = fc.integer({ min: Date.UTC(1000, 0, 1) / DAY, max: Date.UTC(9999, 11, 31) / DAY }).map((d) => d * DAY);
const instants = fc.integer({ min: 1e11, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });

describe('date parameters', () => {
  it('YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY and MM-DD-YYYY all mean that whole UTC day', () => {
    fc.assert(fc.property(days, (ms) => {
      const d = new Date(ms);
      const [y, m, day] = [pad(d.getUTCFullYear(), 4), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
      for (const text of [`${y}-${m}-${day}`, `${day}.${m}.${y}`, `${day}/${m}/${y}`, `${m}-${day}-${y}`]) {
        assert.deepEqual(parseDateSpan(text), { startMs: ms, endMs: ms + DAY }, text);
      }
    }));
  });

  it('ISO 8601 date-times and epoch milliseconds round-trip to the millisecond', () => {
    fc.assert(fc.property(instants, (ms) => {
      assert.deepEqual(parseDateSpan(new Date(ms).toISOString()), { startMs: ms, endMs: ms + 1 });
      assert.deepEqual(parseDateSpan(String(ms)), { startMs: ms, endMs: ms + 1 });
    }));
  });

  it('a time with an offset is the same instant in UTC; without a zone it is UTC', () => {
    assert.equal(parseDateSpan('2024-01-15T15:30:00+01:00').startMs, Date.UTC(2024, 0, 15, 14, 30));
    assert.equal(parseDateSpan('2024-01-15T09:30:00-0500').startMs, Date.UTC(2024, 0, 15, 14, 30));
    assert.deepEqual(parseDateSpan('2024-01-15 14:30'), { startMs: Date.UTC(2024, 0, 15, 14, 30), endMs: Date.UTC(2024, 0, 15, 14, 31) });
    assert.deepEqual(parseDateSpan('2024-01-15T14:30:05'), { startMs: Date.UTC(2024, 0, 15, 14, 30, 5), endMs: Date.UTC(2024, 0, 15, 14, 30, 6) });
  });

  it('refuses days and times that do not exist, naming the value', () => {
    for (const text of ['2024-02-30', '29.02.2023', '31/04/2024', '13-01-2024', '2024-00-10', '2024-01-15T24:00', '2024-01-15T12:60', '2024-01-15T12:00+25:00', 'today', '2024', '15.1.24']) {
      assert.throws(() => parseDateSpan(text), (err: unknown) => err instanceof DateError && err.message.includes(text.slice(0, 4)), text);
    }
    assert.throws(() => parseDateSpan('1705329000'), /epoch seconds; give epoch milliseconds \(1705329000000\)/);
    assert.deepEqual(parseDateSpan('29.02.2024'), { startMs: Date.UTC(2024, 1, 29), endMs: Date.UTC(2024, 2, 1) });
  });

  it('any string either parses or throws DateError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      try {
        const span = parseDateSpan(text);
        assert.ok(Number.isSafeInteger(span.startMs) && span.endMs > span.startMs);
      } catch (err) {
        assert.ok(err instanceof DateError, String(err));
      }
    }));
  });
});

describe('cursors', () => {
  it('round-trip their position and order', () => {
    fc.assert(fc.property(fc.constantFrom('asc' as const, 'desc' as const), fc.maxSafeInteger(), fc.oneof(fc.maxSafeNat(), fc.string({ maxLength: 30 })), (order, time, tie) => {
      assert.deepEqual(decodeCursor(encodeCursor(order, [time, tie])), { order, after: [time, tie] });
    }));
  });

  it('anything else is a 400 naming the cursor', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url'))), (text) => {
      try {
        decodeCursor(text);
      } catch (err) {
        assert.ok(err instanceof ApiError && err.statusCode === 400 && err.message.startsWith('cursor'), String(err));
      }
    }));
  });
});
