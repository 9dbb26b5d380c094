import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeTagValue, parseTags, unescapeTagValue } from '../../src/irc/tags.js';

/** Tags of a tag section (without `@`), parsed the way parseLine does it. */
function tagsOf(section: string): Record<string, string> {
  return { ...parseTags(section, 0, section.length) };
}

describe('IRCv3 tag values (the peer-libraries §1.6 edge-case matrix, tag layer)', () => {
  it('keeps "=" inside a value: a=x=y gives x=y', () => {
    assert.deepEqual(tagsOf('a=x=y'), { a: 'x=y' });
  });

  it('gives "" for a tag without "=" and for key=', () => {
    assert.deepEqual(tagsOf('b;c='), { b: '', c: '' });
  });

  it('unescapes \\\\ to a backslash: tr\\\\ gives tr\\', () => {
    assert.deepEqual(tagsOf('t=tr\\\\'), { t: 'tr\\' });
  });

  it('unescapes \\\\s to backslash + s, not to a space: tr\\\\s gives tr\\s', () => {
    assert.deepEqual(tagsOf('t=tr\\\\s'), { t: 'tr\\s' });
  });

  it('drops the backslash of an unknown escape: p\\q gives pq', () => {
    assert.deepEqual(tagsOf('t=p\\q'), { t: 'pq' });
  });

  it('drops a lone trailing backslash: end\\ gives end', () => {
    assert.deepEqual(tagsOf('t=end\\'), { t: 'end' });
  });

  it('turns \\n into LF and \\r into CR', () => {
    assert.deepEqual(tagsOf('t=a\\nb\\rc'), { t: 'a\nb\rc' });
  });

  it('keeps spaces at both ends of a value: \\sx\\s gives " x "', () => {
    assert.deepEqual(tagsOf('t=\\sx\\s'), { t: ' x ' });
  });

  it('turns \\: into a semicolon without splitting the tag there', () => {
    assert.deepEqual(tagsOf('t=a\\:b;u=1'), { t: 'a;b', u: '1' });
  });

  it('unescapes a real system-msg with \\s and \\n', () => {
    // Twitch's official raid example (protocol doc §2.3).
    assert.deepEqual(tagsOf('system-msg=15\\sraiders\\sfrom\\sTestChannel\\shave\\sjoined\\n!'), {
      'system-msg': '15 raiders from TestChannel have joined\n!',
    });
  });

  it('skips empty tags (;;) and tags with an empty key (=v)', () => {
    assert.deepEqual(tagsOf(';a=1;;=v;b=2;'), { a: '1', b: '2' });
  });

  it('lets a repeated key keep its last value', () => {
    assert.deepEqual(tagsOf('a=1;a=2'), { a: '2' });
  });

  it('stores a tag named __proto__ as data, without changing the prototype', () => {
    const tags = parseTags('__proto__=x;constructor=y', 0, 25);
    assert.equal(Object.getPrototypeOf(tags), Object.prototype);
    assert.deepEqual(Object.entries(tags), [['__proto__', 'x'], ['constructor', 'y']]);
  });

  it('reads only between start and end of a longer line', () => {
    const line = '@a=1;b=x=y :nick PRIVMSG #c :d=e;f';
    assert.deepEqual({ ...parseTags(line, 1, line.indexOf(' ')) }, { a: '1', b: 'x=y' });
  });

  it('handles many valueless tags followed by an "=" far away', () => {
    const section = Array.from({ length: 2000 }, (_, i) => `k${i}`).join(';') + ';last=v=w';
    const tags = tagsOf(section);
    assert.equal(Object.keys(tags).length, 2001);
    assert.equal(tags['k0'], '');
    assert.equal(tags['k1999'], '');
    assert.equal(tags['last'], 'v=w');
  });
});

describe('escapeTagValue', () => {
  it('escapes the five special characters', () => {
    assert.equal(escapeTagValue('a;b c\\d\re\nf'), 'a\\:b\\sc\\\\d\\re\\nf');
  });

  it('round-trips through unescapeTagValue for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        assert.equal(unescapeTagValue(escapeTagValue(value)), value);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through parseTags as the value of a tag section', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const section = 'k=' + escapeTagValue(value) + ';z=1';
        assert.deepEqual(tagsOf(section), { k: value, z: '1' });
      }),
      { numRuns: 2000 },
    );
  });
});
