// The compiled row encoder writes exactly what JSON.stringify(presentRow(...)) writes, for every field type and
// any value a row may carry (including missing fields and values of an unexpected type).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { presentRow } from '../../src/api/formats.js';
import { jsonPage, rowJson } from '../../src/api/json-rows.js';
import { RESOURCES, type FieldTypes, type Row } from '../../src/store/query.js';

const FIELDS: FieldTypes = { id: 'integer', at: 'timestamp', name: 'string', flag: 'boolean', extra: 'json', 'odd "key"\n': 'string' };
const MAX_MS = 8_640_000_000_000_000;

const anyValue = fc.oneof(
  fc.constant(null), fc.constant(undefined), fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.string({ unit: 'binary' }),
  fc.integer({ min: -MAX_MS, max: MAX_MS }), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
);
/** What a call gives: its result, or the kind of error it throws (a timestamp beyond the Date range throws in both). */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
}
const same = (fields: FieldTypes, encode: (row: Row) => string, row: Row) => outcome(() => encode(row)) === outcome(() => JSON.stringify(presentRow(fields, row)));

const rowOf = (names: readonly string[]) => fc.record(Object.fromEntries(names.map((n) => [n, anyValue])), { requiredKeys: [] }) as fc.Arbitrary<Row>;

describe('rowJson', () => {
  it('equals JSON.stringify(presentRow) for any values of every field type', () => {
    const encode = rowJson(FIELDS);
    fc.assert(fc.property(rowOf(Object.keys(FIELDS)), (row) => same(FIELDS, encode, row)), { numRuns: 5_000 });
  });

  it('equals JSON.stringify(presentRow) for rows of every resource, extra fields left out', () => {
    for (const [resource, { fields }] of Object.entries(RESOURCES)) {
      const encode = rowJson(fields);
      fc.assert(fc.property(rowOf([...Object.keys(fields), 'raw_line']), (row) => same(fields, encode, row)), { numRuns: 200 });
      assert.equal(encode({}), JSON.stringify(presentRow(fields, {})), resource);
    }
  });

  it('a page is JSON.stringify of { key: rows, count, next } in UTF-8, also when larger than the scratch buffer', () => {
    const long = { id: 1, at: 0, name: '👉 "x" '.repeat(20_000), flag: true, extra: { a: 'é' }, 'odd "key"\n': 'ü' };
    const rows = Array.from({ length: 5 }, () => long);
    assert.ok(jsonPage('items', FIELDS, rows, null).equals(Buffer.from(JSON.stringify({ items: rows.map((row) => presentRow(FIELDS, row)), count: 5, next: null }), 'utf8')));
    fc.assert(fc.property(fc.array(rowOf(Object.keys(FIELDS)), { maxLength: 20 }), fc.option(fc.string()), (rows, next) => {
      const expected = outcome(() => JSON.stringify({ items: rows.map((row) => presentRow(FIELDS, row)), count: rows.length, next }));
      return outcome(() => jsonPage('items', FIELDS, rows, next).toString('utf8')) === expected;
    }), { numRuns: 500 });
  });
});
