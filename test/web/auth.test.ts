// How auth applies to the pages: the page, its files, the document and the reference load
// without credentials (a browser cannot attach a key to a page load, and they hold no data);
// every API call the page makes needs the key typed into it.
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

const KEY = 'playground-test-key-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'api_key', API_KEYS: `ui:${createHash('sha256').update(KEY).digest('hex')}` });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('pages under AUTH_MODE=api_key', () => {
  it.each(['/', '/docs', '/openapi.json'])('%s loads without a key', async (path) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(200);
  });

  it('the API still needs one', async () => {
    const res = await fetch(`${server.url}/similarity`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'a', texts: ['b'] }) });
    expect(res.status).toBe(401);
  });

  it('the page says a key is needed, in plain words, then works with the key typed in', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.selectOption('#model', 'local');
    await page.click('#compare');
    await page.waitForSelector('#sim-error:not([hidden])');
    expect(await page.textContent('#sim-error')).toMatch(/^The gateway needs a valid API key: paste one in the API key field above\./);
    await page.fill('#api-key', KEY);
    await page.click('#compare');
    await page.waitForSelector('#heatmap tbody td');
    expect(await page.isHidden('#sim-error')).toBe(true);
    expect(await page.locator('#heatmap tbody td').count()).toBe(16);
    await page.close();
  });
});
