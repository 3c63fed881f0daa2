// Per-caller limits across instances: two real gateway processes share one real redis-server
// (started here, on its own port, so this file may kill it) and enforce one limit together;
// headers count down; a 403 for a route or model the key may not use; and with Redis killed
// mid-test each process limits on its own, logs it once, and fails no request.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../scripts/lib/ports.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

const keys = Object.fromEntries(['team', 'solo', 'tokens', 'local-only', 'kill'].map((name) => [name, `k-${name}-${randomBytes(12).toString('hex')}`]));
const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const LIMITS = {
  team: { rpm: 20 },
  solo: { rpm: 3, routes: ['embed', 'chunk'] },
  tokens: { tpm: 1000 },
  'local-only': { models: ['vertex'] },
  kill: { rpm: 6 },
};

let redis: ChildProcess;
let a: GatewayProcess;
let b: GatewayProcess;

beforeAll(async () => {
  const port = await freePort();
  redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port, 'redis-server', 10_000);
  const env = {
    AUTH_MODE: 'api_key',
    API_KEYS: Object.entries(keys).map(([name, key]) => `${name}:${hash(key)}`).join(','),
    CALLER_LIMITS: JSON.stringify(LIMITS),
    LIMIT_STORE: 'redis',
    REDIS_URL: `redis://127.0.0.1:${port}`,
    // A loaded 2-core machine: a slow answer must not look like an outage here.
    LIMIT_TIMEOUT_MS: '1000',
  };
  [a, b] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  redis?.kill('SIGKILL');
});

async function post(gw: GatewayProcess, path: string, key: string, body: unknown) {
  const res = await fetch(gw.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: await res.json() as any };
}
const chunk = (gw: GatewayProcess, key: string) => post(gw, '/chunk', key, { text: '我喜欢看电影', max_tokens: 8 });

describe('limits shared through Redis', () => {
  it('two processes enforce one requests-per-minute limit together', async () => {
    const started = Date.now();
    const results = [];
    // Waves of concurrent requests, alternating processes.
    for (let wave = 0; wave < 4; wave++) {
      results.push(...await Promise.all(Array.from({ length: 12 }, (_, i) => chunk(i % 2 === 0 ? a : b, keys.team!).then((r) => ({ ...r, on: i % 2 })))));
    }
    const minutes = (Date.now() - started) / 60_000;
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(accepted.length + refused.length).toBe(results.length);
    // limit + what refilled while the test ran (20 per minute); per instance it would be 40.
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    expect(accepted.length).toBeLessThanOrEqual(20 + Math.ceil(20 * minutes));
    expect(new Set(accepted.map((r) => r.on))).toEqual(new Set([0, 1]));
    for (const r of refused) {
      expect(r.body.error.type).toBe('rate_limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('x-ratelimit-limit-requests')).toBe('20');
      expect(r.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    }
    const line = await a.waitForLine((l) => l.event === 'request' && l.caller === 'team' && l.httpRequest?.status === 429);
    expect(line).toMatchObject({ error_type: 'rate_limited', rate_limit: 'requests', status_class: '4xx' });
  });

  it('counts requests down across processes, then refuses with retry-after', async () => {
    const seen = [];
    for (const gw of [a, b, a, b]) {
      const r = await chunk(gw, keys.solo!);
      seen.push([r.status, r.headers.get('x-ratelimit-remaining-requests'), r.headers.get('x-ratelimit-limit-requests')]);
      if (r.status === 429) {
        // One request per 20 s refills; less the time the three admitted requests took.
        const retry = Number(r.headers.get('retry-after'));
        expect(retry).toBeGreaterThanOrEqual(1);
        expect(retry).toBeLessThanOrEqual(20);
        const reset = r.headers.get('x-ratelimit-reset-requests')!;
        expect(reset).toMatch(/^\d+s$|^1m0s$/);
        expect(reset === '1m0s' ? 60 : parseInt(reset, 10)).toBeGreaterThan(40);
      }
    }
    expect(seen).toEqual([[200, '2', '3'], [200, '1', '3'], [200, '0', '3'], [429, '0', '3']]);
    // No token limit: no token headers.
    expect((await chunk(a, keys.team!)).headers.get('x-ratelimit-limit-tokens')).toBeNull();
  });

  it('counts tokens down by what each request used', async () => {
    const started = Date.now();
    let used = 0;
    const texts = ['我喜欢看电影', 'I love watching movies on a rainy afternoon', '今天股市大跌，投资者纷纷抛售股票。'];
    for (const text of texts) {
      const r = await post(a, '/embed', keys.tokens!, { inputs: [text] });
      expect(r.status).toBe(200);
      used += r.body.usage.tokens;
      const remaining = Number(r.headers.get('x-ratelimit-remaining-tokens'));
      const refilled = Math.ceil(((Date.now() - started) / 60_000) * 1000);
      expect(r.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
      expect(remaining).toBeGreaterThanOrEqual(1000 - used);
      expect(remaining).toBeLessThanOrEqual(1000 - used + refilled);
    }
  });

  it('answers 403 for a route, or a model, the key may not use', async () => {
    const route = await post(a, '/similarity', keys.solo!, { query: 'x', texts: ['y'] });
    expect(route.status).toBe(403);
    expect(route.body.error.type).toBe('forbidden');
    // Allowed only Vertex; "auto" on this gateway is the bundled model.
    const model = await post(b, '/embed', keys['local-only']!, { inputs: ['x'] });
    expect(model.status).toBe(403);
    expect(model.body.error).toMatchObject({ type: 'forbidden', field: 'model' });
  });

  it('limits per instance when Redis dies, logs it once, and fails no request', async () => {
    for (const gw of [a, b, a, b, a, b]) expect((await chunk(gw, keys.kill!)).status).toBe(200);
    expect((await chunk(a, keys.kill!)).status).toBe(429);

    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));

    const killedAt = Date.now();
    const after = await Promise.all([a, b].map(async (gw) => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await chunk(gw, keys.kill!)).status);
      return statuses;
    }));
    const refilled = Math.ceil(((Date.now() - killedAt) / 60_000) * 6);
    for (const statuses of after) {
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      const accepted = statuses.filter((s) => s === 200).length;
      // Each instance now grants the whole limit itself: a fresh minute of 6, no more.
      expect(accepted).toBeGreaterThanOrEqual(6);
      expect(accepted).toBeLessThanOrEqual(6 + refilled);
      expect(statuses).toContain(429);
    }
    // Other callers keep being served too.
    expect((await chunk(b, keys.team!)).status).not.toBeGreaterThanOrEqual(500);
    for (const gw of [a, b]) {
      const warnings = gw.lines.filter((l) => l.message === 'rate limits: shared store unreachable, limiting per instance');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.severity).toBe('WARNING');
      expect(gw.lines.filter((l) => l.event === 'request' && l.httpRequest?.status >= 500)).toEqual([]);
    }
  });
});
