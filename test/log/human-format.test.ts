// Logs on a terminal are readable lines; everywhere else JSON lines. Redaction applies to both.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, humanLogLine, logDestination } from '../../src/log.js';

describe('human log lines', () => {
  it('shows time, level, message and the context as key=value', () => {
    const time = Date.UTC(2026, 10, 28, 15, 30, 47);
    const line = humanLogLine(JSON.stringify({ level: 40, time, pid: 1, hostname: 'h', msg: 'reconnecting', attempt: 3, server: 'ircs://irc.chat.twitch.tv:6697', reason: 'no PONG in 10 s' }));
    assert.equal(line, `${new Date(time).toTimeString().slice(0, 8)} WARN  reconnecting attempt=3 server=ircs://irc.chat.twitch.tv:6697 reason="no PONG in 10 s"\n`);
  });

  it('passes a line that is not JSON through unchanged', () => {
    assert.equal(humanLogLine('not json\n'), 'not json\n');
  });

  it('is redacted like JSON logs', () => {
    const out: string[] = [];
    const log = createLogger('info', { write: (line: string) => out.push(humanLogLine(line)) });
    log.warn({ detail: { token: 'abcdef0123456789' } }, 'sent PASS oauth:abcdef0123456789');
    assert.equal(out.length, 1);
    assert.doesNotMatch(out[0]!, /abcdef0123456789/);
    assert.match(out[0]!, /WARN {2}sent PASS oauth:\[REDACTED\] detail=\{"token":"\[REDACTED\]"\}/);
  });

  it('is chosen on a terminal unless SALTMINE_LOG_FORMAT=json, and by SALTMINE_LOG_FORMAT=pretty anywhere', () => {
    const isPino = (d: object): boolean => 'fd' in d;
    assert.equal(isPino(logDestination('auto', true)), false);
    assert.equal(isPino(logDestination('json', true)), true);
    assert.equal(isPino(logDestination('auto', false)), true);
    assert.equal(isPino(logDestination('pretty', false)), false);
  });
});
