// Every fallback is seen: the request line names the fallback reason and the Vertex failure,
// with a real gateway process in front of a fake Vertex (real aiplatform client) that answers 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD } from '../../shared/observability/log-fields.js';
import { startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { vertexEnv } from '../helpers/vertex.js';

let fake: FakeVertex;
let gw: GatewayProcess;
beforeAll(async () => {
  fake = await startFakeVertex({ transport: 'rest' });
  gw = await startGatewayProcess(vertexEnv(fake, { VERTEX_RETRIES: '0', TRACE_PROJECT: 'proj-fb' }));
});
afterAll(async () => {
  await gw?.stop();
  await fake?.close();
});

let seq = 0;
async function embed(body: Record<string, unknown>) {
  const agent = `fallback-log #${++seq}`;
  const res = await fetch(`${gw.url}/embed`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': agent }, body: JSON.stringify(body) });
  const json = await res.json() as any;
  const line = await gw.waitForLine((l) => l[FIELD.event] === 'request' && l.httpRequest?.userAgent === agent);
  return { status: res.status, json, line };
}

describe('the request line around Vertex', () => {
  it('names Vertex when it answered', async () => {
    fake.reset();
    const { status, line } = await embed({ inputs: ['我喜欢看电影'] });
    expect(status).toBe(200);
    expect(line).toMatchObject({ [FIELD.provider]: 'vertex', [FIELD.model]: 'text-multilingual-embedding-002', severity: 'INFO' });
    expect(line).not.toHaveProperty(FIELD.fallbackReason);
    expect(line).not.toHaveProperty(FIELD.upstreamFailure);
  });

  it('names the fallback reason and the Vertex failure when the bundled model answered', async () => {
    fake.reset();
    fake.fail(429, { times: Infinity });
    const { status, json, line } = await embed({ inputs: ['我喜欢看电影', 'I love movies'] });
    expect(status).toBe(200);
    expect(json.fallback.used).toBe(true);
    expect(line).toMatchObject({
      severity: 'INFO', [FIELD.provider]: 'local', [FIELD.model]: json.model,
      [FIELD.fallbackReason]: 'rate_limited', [FIELD.upstreamFailure]: 'rate_limited', [FIELD.texts]: 2,
    });
  });

  it('names the Vertex failure on a 503 when fallback was refused, as a warning', async () => {
    fake.reset();
    fake.fail(429, { times: Infinity });
    const { status, line } = await embed({ inputs: ['我喜欢看电影'], fallback: false });
    expect(status).toBe(503);
    expect(line).toMatchObject({ severity: 'WARNING', message: 'request failed', [FIELD.errorType]: 'upstream', [FIELD.upstreamFailure]: 'rate_limited', [FIELD.statusClass]: '5xx' });
    expect(line).not.toHaveProperty(FIELD.fallbackReason);
  });
});
