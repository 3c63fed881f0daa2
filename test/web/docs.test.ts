// The API reference in a real browser: Swagger UI, served by the gateway, renders the
// gateway's own document, and nothing comes from another origin.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, outputDir } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('GET /docs', () => {
  it('renders every operation of /openapi.json, from this origin only, with no CSP violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector('.swagger-ui .info .title');
    expect(await page.textContent('.swagger-ui .info .title')).toContain('Embedding gateway');
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const operations = Object.values(doc.paths as Record<string, object>).reduce((n, item) => n + Object.keys(item).length, 0);
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, operations);
    expect(await page.locator('.opblock').count()).toBe(operations);
    await page.screenshot({ path: path.join(outputDir(__filename), 'docs.png') });
    const origin = new URL(server.url).origin;
    expect(requested.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(requested.some((u) => u.endsWith('/openapi.json'))).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('serves its files with their types, versioned links cached for good, gzip when asked', async () => {
    const html = await fetch(`${server.url}/docs`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    const link = (await html.text()).match(/src="\?asset=swagger-ui-bundle\.js&amp;v=([\w-]+)"/);
    expect(link).not.toBeNull();
    const js = await fetch(`${server.url}/docs?asset=swagger-ui-bundle.js&v=${link![1]}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    const etag = js.headers.get('etag')!;
    const again = await fetch(`${server.url}/docs?asset=swagger-ui-bundle.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('no-cache');
  });
});
