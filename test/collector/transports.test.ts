import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServerUrl, realTransports } from '../../src/collector/transport.js';
import { harness, hasSequence, waitFor } from './harness.js';

/** A throwaway self-signed certificate for 127.0.0.1, or null when openssl is not installed. */
function selfSignedCertificate(): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'saltmine-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('parseServerUrl', () => {
  it('knows the four schemes and their default ports', () => {
    assert.deepEqual(parseServerUrl('ircs://irc.chat.twitch.tv'), { kind: 'tcp', tls: true, host: 'irc.chat.twitch.tv', port: 6697, href: 'ircs://irc.chat.twitch.tv' });
    assert.deepEqual(parseServerUrl('irc://127.0.0.1:6667'), { kind: 'tcp', tls: false, host: '127.0.0.1', port: 6667, href: 'irc://127.0.0.1:6667' });
    assert.equal(parseServerUrl('wss://irc-ws.chat.twitch.tv').port, 443);
    assert.equal(parseServerUrl('ws://[::1]:8080').host, '::1');
  });

  it('names the URL it refuses', () => {
    assert.throws(() => parseServerUrl('http://example.org'), /unsupported server URL scheme "http:" in "http:\/\/example.org"/);
    assert.throws(() => parseServerUrl('not a url'), /invalid server URL "not a url"/);
  });
});

describe('Collector transports against the simulator', () => {
  it('records over WebSocket (ws://), lines arriving several to a frame', async () => {
    const h = await harness({ limit: 2000 }, { channels: ['#ws'] }, { url: (sim) => sim.wsUrl });
    try {
      await waitFor(() => hasSequence(h.store, '#ws', 2000, false), 'every line');
      await h.writer.flush();
      assert.ok(hasSequence(h.store, '#ws', 2000, true));
    } finally {
      await h.close();
    }
  });

  const tls = selfSignedCertificate();
  for (const scheme of ['ircs', 'wss'] as const) {
    it(`records over TLS (${scheme}://), checking the server certificate`, { skip: tls === null ? 'openssl is not installed' : false }, async () => {
      const h = await harness({ limit: 1000, tls }, { channels: ['#secure'] }, { url: (sim) => (scheme === 'ircs' ? sim.url : sim.wsUrl), transports: realTransports({ ca: tls!.cert }) });
      try {
        assert.ok(h.sim.url.startsWith('ircs://'));
        await waitFor(() => hasSequence(h.store, '#secure', 1000, false), 'every line');
      } finally {
        await h.close();
      }
    });
  }

  it('refuses a server whose certificate it cannot verify, and keeps trying without recording anything', async () => {
    if (tls === null) return;
    const system = realTransports(); // the system's CAs only: the self-signed certificate is not trusted
    let attempts = 0;
    const h = await harness({ limit: 10, tls }, { channels: ['#secure'] }, { transports: (url) => (attempts++, system(url)) });
    try {
      await waitFor(() => attempts >= 2, 'a second attempt after back-off');
      assert.equal(h.store.events.length, 0);
      assert.equal(h.sim.stats().connectionsAccepted, 0, 'no TLS session was ever established');
    } finally {
      await h.close();
    }
  });
});
