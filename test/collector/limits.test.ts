import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffDelay, SlidingWindow } from '../../src/collector/limits.js';

describe('SlidingWindow', () => {
  it('never allows more than `limit` actions in any window, however they are asked for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 10, max: 5000 }), fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 300 }), (limit, windowMs, steps) => {
        const window = new SlidingWindow({ limit, windowMs });
        const taken: number[] = [];
        let now = 0;
        for (const step of steps) {
          now += step;
          const n = window.available(now);
          window.take(now, n);
          for (let i = 0; i < n; i++) taken.push(now);
        }
        for (let i = limit; i < taken.length; i++) assert.ok(taken[i]! - taken[i - limit]! >= windowMs, `action ${i} within ${windowMs} ms of action ${i - limit}`);
      }),
    );
  });

  it('says when the next slot frees up, and that slot is free', () => {
    const window = new SlidingWindow({ limit: 2, windowMs: 1000 });
    window.take(0, 2);
    assert.equal(window.available(500), 0);
    const next = window.nextFreeMs(500);
    assert.equal(window.available(next - 1), 0);
    assert.equal(window.available(next), 2);
  });
});

describe('backoffDelay', () => {
  it('doubles from minMs up to maxMs, with ±25 % jitter', () => {
    const options = { minMs: 100, maxMs: 1000 };
    assert.deepEqual([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, options, () => 0.5)), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(backoffDelay(0, options, () => 0), 75);
    assert.equal(backoffDelay(0, options, () => 1), 125);
  });
});
