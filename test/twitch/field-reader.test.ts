// The compiled USERNOTICE field readers must read exactly what the interpreted spec loop reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { fieldReader, readFields } from '../../src/twitch/fields.js';
import { NOTICE_KINDS } from '../../src/twitch/usernotice.js';

const VALUES = ['', '0', '1', '12', '-3', '007', 'true', 'false', 'x', '1.5', '99999999999999999', 'Tier 1', 'a b'];

describe('compiled field readers', () => {
  it('read every notice kind like readFields, for any mix of present, absent and odd values', () => {
    for (const [kind, specs] of Object.entries(NOTICE_KINDS)) {
      const read = fieldReader(specs);
      const tagNames = Object.values(specs).map(([, tag]) => tag as string);
      const tags = fc.dictionary(fc.constantFrom(...tagNames, 'msg-id', 'unrelated'), fc.constantFrom(...VALUES));
      fc.assert(fc.property(tags, (t) => {
        const compiled = read(t);
        const interpreted = readFields(t, specs);
        assert.deepEqual(Object.entries(compiled), Object.entries(interpreted), kind);
      }), { numRuns: 300 });
    }
  });

  it('fall back to readFields when the runtime refuses code generation', () => {
    const url = new URL('../../src/twitch/fields.js', import.meta.url).href;
    const script = `
      const { fieldReader, int, str } = await import(${JSON.stringify(url)});
      const read = fieldReader({ months: int('msg-param-months'), plan: str('msg-param-sub-plan') });
      console.log(JSON.stringify(read({ 'msg-param-months': '3', 'msg-param-sub-plan': '' })));`;
    const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { months: 3, plan: null });
  });
});
