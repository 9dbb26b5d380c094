import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../src/irc/parse.js';
import { loadCorpus, messageId, renderLine, roomIdFor, simSeqOf, toTemplate } from '../../src/sim/corpus.js';
import { Room } from '../../src/sim/replay.js';

describe('replay corpus', () => {
  it('replays every corpus line as the same message in another channel, with new id, room-id, tmi-sent-ts and sim-seq', () => {
    const corpus = loadCorpus();
    const originals = corpus.templates.length + corpus.skipped;
    assert.equal(originals, 5000);
    let seq = 0;
    for (const template of corpus.templates) {
      seq++;
      const line = renderLine(template, '#elsewhere', '42', messageId('abcdef01', 3, seq), seq, 1700000000000);
      const m = parseLine(line);
      assert.ok(!m.malformed, line);
      assert.equal(m.params[0], '#elsewhere');
      assert.equal(m.tags['id'], messageId('abcdef01', 3, seq));
      assert.match(m.tags['id']!, new RegExp(`^${seq.toString(16).padStart(8, '0')}-0003-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-ef01[0-9a-f]{8}$`));
      assert.equal(m.tags['room-id'], '42');
      assert.equal(m.tags['tmi-sent-ts'], '1700000000000');
      assert.equal(simSeqOf(line), seq);
    }
  });

  it('keeps the other tags, the prefix, the command and the text of the original', () => {
    const original = '@badges=;color=#FF0000;display-name=A\\sB;id=x;room-id=1;tmi-sent-ts=2 :a!a@a.tmi.twitch.tv PRIVMSG #xqcow :hello #xqcow :)';
    const rendered = parseLine(renderLine(toTemplate(original)!, '#other', '9', 'new-id', 1, 3));
    const before = parseLine(original);
    assert.deepEqual(rendered.prefix, before.prefix);
    assert.equal(rendered.command, 'PRIVMSG');
    assert.deepEqual(rendered.params, ['#other', 'hello #xqcow :)']);
    assert.equal(rendered.tags['display-name'], 'A B');
    assert.equal(rendered.tags['color'], '#FF0000');
  });

  it('skips lines that address no channel', () => {
    assert.equal(toTemplate('PING :tmi.twitch.tv'), null);
    assert.equal(toTemplate(':tmi.twitch.tv 001 me :Welcome'), null);
    assert.equal(toTemplate('\u0000garbage'), null);
  });

  it('gives each channel a stable room id', () => {
    assert.equal(roomIdFor('forsen'), roomIdFor('forsen'));
    assert.notEqual(roomIdFor('forsen'), roomIdFor('xqcow'));
    assert.match(roomIdFor('x'), /^[1-9]\d{8}$/);
  });

  it('names the corpus file it cannot read', () => {
    assert.throws(() => loadCorpus('/nonexistent/corpus.log'), /cannot read corpus \/nonexistent\/corpus.log/);
  });

  it("stamps a room's lines a millisecond apart at least, ahead of the clock when needed, never behind it", () => {
    const corpus = loadCorpus();
    const room = new Room('#c', 0);
    const stamps = (now: number) => room.next(corpus, 'abcdef01', 500, now).lines.map((line) => Number(parseLine(line).tags['tmi-sent-ts']));
    const first = stamps(1_000);
    assert.deepEqual([first[0], first[499]], [1_000, 1_499]);
    const second = stamps(1_200); // the clock is behind the last stamp: the room goes on from it
    assert.deepEqual([second[0], second[499]], [1_500, 1_999]);
    const third = stamps(5_000);
    assert.deepEqual([third[0], third[1]], [5_000, 5_001]);
  });
});
