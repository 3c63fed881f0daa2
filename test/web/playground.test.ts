// The playground in a real browser against the real dev server: the bundled model for the
// numbers, the fake Vertex (failing) for the fallback badge.
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { launchBrowser, outputDir } from '../helpers/browser.js';
import { postJson, startTestServer } from '../helpers/server.js';
import { vertexEnv } from '../helpers/vertex.js';

const EXAMPLE = ['我喜欢看电影', '我爱看电影', '今天天气很好', 'I love watching movies'];
const out = outputDir(__filename);

let fake: FakeVertex;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;
const requested: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  fake = await startFakeVertex({ transport: 'rest' });
  // One try per call: the fallback case should not wait through retries.
  server = await startTestServer(vertexEnv(fake, { VERTEX_RETRIES: '0' }));
  browser = await launchBrowser();
  // A context of its own: axe's runner opens a page beside this one in it.
  page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
  page.on('request', (req) => requested.push(req.url()));
  // Errors of the page's own code and CSP refusals; a 400 the error test provokes is logged too, and is expected.
  page.on('console', (msg) => { if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
});

async function heatmapValues(): Promise<number[][]> {
  return page.$$eval('#heatmap tbody tr', (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => Number(td.dataset.score))));
}

describe('playground page', () => {
  it('draws the preloaded example\'s heatmap from the gateway\'s vectors, equal to /similarity\'s scores', async () => {
    expect((await page.inputValue('#texts')).split('\n')).toEqual(EXAMPLE);
    await page.selectOption('#model', 'local');
    await page.click('#compare');
    await page.waitForSelector('#heatmap tbody td');
    const matrix = await heatmapValues();
    expect(matrix).toHaveLength(EXAMPLE.length);
    for (const [i, query] of EXAMPLE.entries()) {
      expect(matrix[i]).toHaveLength(EXAMPLE.length);
      const res = await postJson(`${server.url}/similarity`, { query, texts: EXAMPLE, model: 'local' });
      expect(res.status, res.text).toBe(200);
      for (const { index, score } of res.json.scores as { index: number; score: number }[]) {
        expect(Math.abs(matrix[i]![index]! - score), `cell ${i},${index}`).toBeLessThan(1e-6);
      }
    }
    // What people look for: the paraphrase scores above the weather.
    expect(matrix[0]![1]!).toBeGreaterThan(matrix[0]![2]! + 0.1);
    const badges = await page.$$eval('#sim-badges [data-badge]', (els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.badge, e.textContent])));
    expect(badges.model).toMatch(/bge-small-zh-v1\.5@/);
    expect(badges.provider).toContain('local');
    expect(badges.fallback).toContain('not used');
    expect(badges.cached).toMatch(/\d+ of 4/);
    expect(badges.latency).toMatch(/\d+ ms/);
  });

  it('reads a cell\'s score out on focus (keyboard)', async () => {
    await page.focus('#heatmap td[data-row="0"][data-col="1"]');
    const score = Number(await page.getAttribute('#heatmap td[data-row="0"][data-col="1"]', 'data-score'));
    expect(await page.textContent('#cell-readout')).toBe(`“${EXAMPLE[0]}” vs “${EXAMPLE[1]}”: ${score.toFixed(4)}`);
  });

  it('ranks the texts against a query through /similarity', async () => {
    await page.fill('#query', '我喜欢电影');
    await page.click('#rank');
    await page.waitForSelector('#ranking li');
    const shown = await page.$$eval('#ranking li', (lis) => lis.map((li) => ({ index: Number((li as HTMLElement).dataset.index), score: Number((li as HTMLElement).dataset.score) })));
    const res = await postJson(`${server.url}/similarity`, { query: '我喜欢电影', texts: EXAMPLE, model: 'local' });
    expect(shown.map((s) => s.index)).toEqual(res.json.scores.map((s: { index: number }) => s.index));
    shown.forEach((s, i) => expect(Math.abs(s.score - res.json.scores[i].score)).toBeLessThan(1e-6));
    expect(await page.textContent('#rank-badges [data-badge="model"]')).toContain(res.json.model);
  });

  it('shows a long text\'s chunks as spans with /chunk\'s offsets', async () => {
    const text = await page.inputValue('#document');
    expect(text.length).toBeGreaterThan(200);
    await page.fill('#max-tokens', '40');
    await page.fill('#overlap', '8');
    await page.click('#chunk');
    await page.waitForSelector('#chunk-table tbody tr');
    const rows = await page.$$eval('#chunk-table tbody tr', (trs) => trs.map((tr) => ({
      start: Number((tr as HTMLElement).dataset.start), end: Number((tr as HTMLElement).dataset.end), tokens: Number((tr as HTMLElement).dataset.tokens),
    })));
    const res = await postJson(`${server.url}/chunk`, { text, max_tokens: 40, overlap_tokens: 8 });
    expect(res.status, res.text).toBe(200);
    expect(res.json.chunks.length).toBeGreaterThan(3);
    expect(rows).toEqual(res.json.chunks.map((c: { start: number; end: number; tokens: number }) => ({ start: c.start, end: c.end, tokens: c.tokens })));
    // The highlighted view is the document itself, every character once; overlaps are marked.
    expect(await page.textContent('#chunk-text')).toBe(text);
    const overlapping = res.json.chunks.some((c: { start: number }, i: number) => i > 0 && c.start < res.json.chunks[i - 1].end);
    expect(await page.locator('#chunk-text mark.both').count() > 0).toBe(overlapping);
  });

  it('says in plain words what was wrong, from the error shape', async () => {
    await page.fill('#max-tokens', '8');
    await page.fill('#overlap', '8');
    await page.click('#chunk');
    await page.waitForSelector('#chunk-error:not([hidden])');
    const message = await page.textContent('#chunk-error');
    expect(message).toContain('The gateway could not use what was sent (field: overlap_tokens)');
    expect(message).toContain('must be smaller than max_tokens');
    await page.fill('#overlap', '0');
  });

  it('shows the fallback badge, with the reason, when Vertex fails', async () => {
    fake.fail(503, { times: Infinity });
    try {
      await page.selectOption('#model', 'auto');
      await page.click('#compare');
      await page.waitForSelector('#sim-badges .badge.fallback');
      const badge = await page.textContent('#sim-badges [data-badge="fallback"]');
      expect(badge).toMatch(/^fell back: \S/);
      expect(await page.textContent('#sim-badges [data-badge="provider"]')).toContain('local');
      expect(fake.calls.length).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(out, 'playground.png'), fullPage: true });
    } finally {
      fake.reset();
    }
  });

  it('sends the key typed into the page as x-api-key and keeps it nowhere else', async () => {
    const seen: (string | undefined)[] = [];
    const listener = (req: { url(): string; headers(): Record<string, string> }) => {
      if (req.url().endsWith('/similarity')) seen.push(req.headers()['x-api-key']);
    };
    page.on('request', listener);
    await page.fill('#api-key', 'test-key-123');
    await page.selectOption('#model', 'local');
    const answered = page.waitForResponse((r) => r.url().endsWith('/similarity'));
    await page.click('#rank');
    await answered;
    page.off('request', listener);
    expect(seen).toEqual(['test-key-123']);
    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
    expect(stored).not.toContain('test-key-123');
    await page.fill('#api-key', '');
  });

  it('passes axe\'s WCAG 2.1 A/AA checks (labels, contrast, keyboard) with every view drawn', async () => {
    expect(await page.locator('#heatmap tbody td').count()).toBe(16);
    expect(await page.locator('#chunk-table tbody tr').count()).toBeGreaterThan(0);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const violations = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(violations).toEqual([]);
    expect(results.passes.map((p) => p.id)).toEqual(expect.arrayContaining(['color-contrast', 'label']));
  });

  it('reads on a phone: nothing wider than the screen but the scrollable tables', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      await phone.goto(`${server.url}/`);
      await phone.waitForSelector('body[data-ready="true"]');
      await phone.selectOption('#model', 'local');
      await phone.click('#compare');
      await phone.waitForSelector('#heatmap tbody td');
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: path.join(out, 'playground-phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('loaded nothing from another origin, and logged no error (no CSP violation)', () => {
    expect(requested.length).toBeGreaterThan(3);
    const origin = new URL(server.url).origin;
    expect(requested.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
