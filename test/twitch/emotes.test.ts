import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emotesInText, eventEmotes, parseEmotes } from '../../src/twitch/emotes.js';
import { parseBadges, badgeVersion } from '../../src/twitch/badges.js';
import { parseEvent } from '../../src/twitch/map.js';
import type { PrivmsgEvent, UsernoticeEvent } from '../../src/twitch/events.js';
import { corpusLines } from '../irc/corpus.js';
import { realLine } from './expect.js';

const emotesOf = (marker: string) => {
  const event = parseEvent(realLine(marker));
  assert.ok(event.type === 'privmsg' || event.type === 'usernotice');
  return eventEmotes(event as PrivmsgEvent | UsernoticeEvent).map(({ id, start, end, code }) => `${id}:${start}-${end}=${code}`);
};

describe('parseEmotes', () => {
  it('parses the documented format: 25:0-4,12-16/1902:6-10, sorted by position', () => {
    assert.deepEqual(parseEmotes('25:0-4,12-16/1902:6-10'), [
      { id: '25', start: 0, end: 4 },
      { id: '1902', start: 6, end: 10 },
      { id: '25', start: 12, end: 16 },
    ]);
  });

  it('keeps an emote id that contains "/" (real tag emotes=80481_/3:7-14; peer-libraries §1.6)', () => {
    assert.deepEqual(parseEmotes('80481_/3:7-14'), [{ id: '80481_/3', start: 7, end: 14 }]);
    assert.deepEqual(parseEmotes('25:0-4/80481_/3:7-14/1902:16-20'), [
      { id: '25', start: 0, end: 4 },
      { id: '80481_/3', start: 7, end: 14 },
      { id: '1902', start: 16, end: 20 },
    ]);
  });

  it('keeps emotesv2_ and modified (_TK) ids', () => {
    assert.deepEqual(parseEmotes('emotesv2_e404c6a3a5c349ff90a7bc046ad1f2ea:0-8/301512758_TK:10-14'), [
      { id: 'emotesv2_e404c6a3a5c349ff90a7bc046ad1f2ea', start: 0, end: 8 },
      { id: '301512758_TK', start: 10, end: 14 },
    ]);
  });

  it('gives nothing for an empty, absent or unparseable tag, and skips a malformed range (25:04)', () => {
    assert.deepEqual(parseEmotes(''), []);
    assert.deepEqual(parseEmotes(null), []);
    assert.deepEqual(parseEmotes(undefined), []);
    assert.deepEqual(parseEmotes('25:04'), []);
    assert.deepEqual(parseEmotes('25:0-4,'), []);
    assert.deepEqual(parseEmotes('25:-4'), []);
    assert.deepEqual(parseEmotes('25:04/1902:6-10'), [{ id: '1902', start: 6, end: 10 }]);
  });

  it('never throws on any tag value', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('2', '5', ':', '-', ',', '/', '0', '9', 'a'), maxLength: 30 }), (tag) => {
        for (const range of parseEmotes(tag)) {
          assert.ok(Number.isInteger(range.start) && Number.isInteger(range.end));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('emotesInText: positions count code points, not UTF-16 units', () => {
  it('resolves ranges after astral characters (real line: 👉 <3 👉 <3 👉 <3, 483:2-3,7-8,12-13)', () => {
    assert.deepEqual(emotesOf('id=3695cb46-f70a-4d6f-a71b-159d434c45b5'), ['483:2-3=<3', '483:7-8=<3', '483:12-13=<3']);
  });

  it('resolves an id with "/" after a U+E0000 tag character (real line: 80481_/3:7-14)', () => {
    assert.deepEqual(emotesOf('id=1ec936d3-7853-4113-9984-664ac5c42694'), ['80481_/3:7-14=pajaW_/3']);
  });

  it('resolves emotes around 👌 (real line: forsenJoy 👌 ×3)', () => {
    assert.deepEqual(emotesOf('id=4cc7a725-d09f-47ae-b745-71570da7c492'), [
      '300235054:0-8=forsenJoy',
      '300235054:12-20=forsenJoy',
      '300235054:24-32=forsenJoy',
    ]);
  });

  it('counts a PRIVMSG /me from after "\\x01ACTION " (real line: 25:6-10/1902:16-20)', () => {
    assert.deepEqual(emotesOf('id=0c46c822-f668-4427-b19a-a1a0780a44ae'), ['25:6-10=Kappa', '1902:16-20=Keepo']);
  });

  it('counts a USERNOTICE /me from after the leading \\x01, "ACTION " included (real resub note: 25:7-11,23-27/499:29-30)', () => {
    assert.deepEqual(emotesOf('id=8c2918c2-adf4-4208-a554-8a72d016de70'), ['25:7-11=Kappa', '25:23-27=Kappa', '499:29-30=:)']);
  });

  it('resolves an announcement text', () => {
    assert.deepEqual(emotesOf('id=9045a344-75b9-44fa-af49-c413bcb39559'), ['185989:11-15=pajaH', '25:17-21=Kappa', '1902:23-27=Keepo']);
  });

  it('clamps a range that runs past the end of the text', () => {
    assert.deepEqual(emotesInText('hi Kappa', [{ id: '25', start: 3, end: 9 }]), [{ id: '25', start: 3, end: 7, code: 'Kappa' }]);
  });

  it('drops an inverted range (25:4-0; peer-libraries §1.6) and one that starts past the end', () => {
    const line = corpusLines('edge-cases.txt').find((l) => l.includes('emotes=25:4-0;'))!;
    const event = parseEvent(line) as PrivmsgEvent;
    assert.deepEqual(parseEmotes(event.irc.tags['emotes']), [{ id: '25', start: 4, end: 0 }]);
    assert.deepEqual(eventEmotes(event), []);
    assert.deepEqual(emotesInText('Kappa', [{ id: '25', start: 5, end: 9 }]), []);
  });

  it('never throws and never returns a range outside the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.array(fc.record({ id: fc.constant('1'), start: fc.nat(30), end: fc.nat(30) }), { maxLength: 5 }),
        (text, ranges) => {
          const points = Array.from(text);
          for (const e of emotesInText(text, ranges)) {
            assert.ok(e.start <= e.end && e.end < points.length);
            assert.equal(e.code, points.slice(e.start, e.end + 1).join(''));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('badges', () => {
  it('parses set/version pairs, including non-numeric versions', () => {
    assert.deepEqual(parseBadges('subscriber/3012,twitchcon-2024---san-diego/1,warcraft/horde'), [
      { name: 'subscriber', version: '3012' },
      { name: 'twitchcon-2024---san-diego', version: '1' },
      { name: 'warcraft', version: 'horde' },
    ]);
  });

  it('keeps a badge without "/" with an empty version (peer-libraries §1.6)', () => {
    assert.deepEqual(parseBadges('subscriber24'), [{ name: 'subscriber24', version: '' }]);
    assert.deepEqual(parseBadges(''), []);
    assert.deepEqual(parseBadges(',,vip/1,'), [{ name: 'vip', version: '1' }]);
  });

  it('finds one badge version without matching a longer set name', () => {
    assert.equal(badgeVersion('moderator/1,subscriber/48', 'subscriber'), '48');
    assert.equal(badgeVersion('sub-gifter/50,subscriber/3', 'subscriber'), '3');
    assert.equal(badgeVersion('notvip/1', 'vip'), null);
    assert.equal(badgeVersion(null, 'vip'), null);
  });
});
