// The docs UI in a real browser: /docs renders the route list from /openapi.json.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, type Served } from './harness.js';
import { syntheticEvents } from './synthetic.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

let served: Served;
before(async () => {
  served = await serve('docs', syntheticEvents().slice(0, 10).map((e) => e.line));
});
after(() => served.close());

describe('docs UI', () => {
  it('openapi.json describes every route with its parameters', async () => {
    const { status, json } = await served.get('/openapi.json');
    assert.equal(status, 200);
    const spec = json as { openapi: string; paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    assert.match(spec.openapi, /^3\./);
    const messages = spec.paths['/api/messages']!.get!;
    assert.deepEqual(messages.parameters!.map((p) => p.name).sort(), ['cursor', 'end-date', 'format', 'limit', 'offset', 'order', 'q', 'room-id', 'room-name', 'start-date', 'user-id', 'user-name']);
    for (const path of ['/api/rooms', '/api/subs', '/api/gifts', '/api/raw', '/api/health']) assert.ok(spec.paths[path]?.get, path);
  });

  it('/docs shows the route list in a browser', { skip }, async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${served.api.url}/docs`);
      await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 });
      const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((n) => n.textContent?.replace(/\u200b/g, '').trim()));
      for (const path of ['/api/messages', '/api/rooms', '/api/subscriptions', '/api/mysterygifts', '/api/health']) assert.ok(paths.includes(path), `${path} in ${paths.join(' ')}`);
    } finally {
      await browser.close();
    }
  });
});
