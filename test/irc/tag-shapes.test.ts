// Tags built by compiled constructors (tag-shapes.ts) must be exactly what the generic key-by-key code
// builds, for any tag section, however many shapes have been seen, and when code generation is refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { parseTags, parseTagsGeneric, unescapeTagValue } from '../../src/irc/tags.js';
import { parseTagsByShape, resetTagShapes, SHAPE_LIMITS, tagShapeCount, tagShapesEnabled } from '../../src/irc/tag-shapes.js';

/** Same own keys in the same order, same values, same prototype. */
function assertSameTags(actual: object, expected: object, section: string): void {
  assert.deepEqual(Object.entries(actual), Object.entries(expected), section);
  assert.equal(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected), section);
}

function check(section: string): void {
  // Twice: the first call may create the shape, the second takes it.
  for (let round = 0; round < 2; round++) {
    assertSameTags(parseTags(section, 0, section.length), parseTagsGeneric(section, 0, section.length), section);
  }
}

const KEYS = ['badge-info', 'badges', 'color', 'display-name', 'id', 'a', 'b', '__proto__', 'constructor', '0', '12', 'x"y', 'k\\s', ''];
const VALUES = ['', 'v', '1', 'a\\sb', 'semi\\:colon', 'tr\\\\', 'end\\', 'x=y', 'üñí', '#FF0000'];

describe('compiled tag shapes', () => {
  it('give the same tags as the generic parser for random tag sections (duplicates, odd keys, escapes)', () => {
    resetTagShapes();
    const tag = fc.tuple(fc.constantFrom(...KEYS), fc.option(fc.constantFrom(...VALUES), { nil: null }));
    fc.assert(fc.property(fc.array(tag, { maxLength: 20 }), fc.boolean(), (list, trailingSemi) => {
      const section = list.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(';') + (trailingSemi ? ';' : '');
      check(section);
    }), { numRuns: 3000 });
  });

  it('parse a tag section in the middle of a line (start and end respected)', () => {
    const line = '@a=1;b=2 :n!n@n PRIVMSG #c :x;y=z';
    for (let i = 0; i < 2; i++) assertSameTags(parseTags(line, 1, 8), { a: '1', b: '2' }, line);
  });

  it('store __proto__ as a tag, never as the prototype', () => {
    const tags = parseTags('a=1;__proto__=x', 0, 15);
    assert.equal(Object.getPrototypeOf(tags), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value, 'x');
  });

  it('keep the trie within its node bound, and stay correct beyond it', () => {
    resetTagShapes();
    for (let i = 0; i < SHAPE_LIMITS.nodes + 500; i++) check(`k${i}=v;shared=${i}`);
    assert.ok(tagShapeCount() <= SHAPE_LIMITS.nodes, `${tagShapeCount()} nodes`);
    assert.equal(tagShapeCount(), SHAPE_LIMITS.nodes);
    assert.equal(parseTagsByShape('knew=1', 0, 6, unescapeTagValue), null, 'a full trie takes no new sequence');
    resetTagShapes();
  });

  it('leave lines with too many tags or too long keys to the generic parser', () => {
    resetTagShapes();
    const many = Array.from({ length: SHAPE_LIMITS.tagsPerLine + 1 }, (_, i) => `t${i}=${i}`).join(';');
    assert.equal(parseTagsByShape(many, 0, many.length, unescapeTagValue), null);
    check(many);
    const longKey = `${'k'.repeat(SHAPE_LIMITS.keyLength + 1)}=v;a=1`;
    assert.equal(parseTagsByShape(longKey, 0, longKey.length, unescapeTagValue), null);
    check(longKey);
    const exact = Array.from({ length: SHAPE_LIMITS.tagsPerLine }, (_, i) => `t${i}=${i}`).join(';');
    assert.notEqual(parseTagsByShape(exact, 0, exact.length, unescapeTagValue), null, 'the limit itself is taken');
    check(exact);
  });

  it('fall back to the generic parser when the runtime refuses code generation', () => {
    const url = new URL('../../src/irc/tags.js', import.meta.url).href;
    const shapesUrl = new URL('../../src/irc/tag-shapes.js', import.meta.url).href;
    const script = `
      const { parseTags } = await import(${JSON.stringify(url)});
      const { tagShapesEnabled } = await import(${JSON.stringify(shapesUrl)});
      const section = 'badges=moderator/1;color=#FF0000;display-name=A\\\\sB';
      const out = [parseTags(section, 0, section.length), parseTags(section, 0, section.length)];
      console.log(JSON.stringify({ out, enabled: tagShapesEnabled() }));`;
    const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const { out, enabled } = JSON.parse(run.stdout) as { out: unknown[]; enabled: boolean };
    assert.equal(enabled, false);
    const expected = { badges: 'moderator/1', color: '#FF0000', 'display-name': 'A B' };
    assert.deepEqual(out, [expected, expected]);
    assert.equal(tagShapesEnabled(), true, 'this process still compiles');
  });
});
