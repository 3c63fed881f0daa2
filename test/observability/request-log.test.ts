// The request line as Cloud Logging would read it: a real gateway process, its stdout parsed
// line by line, every field checked, and no input text or key anywhere in it.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_LOGGING, EVENT, FIELD, HTTP_REQUEST } from '../../shared/observability/log-fields.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

const KEY = `gw-${randomBytes(16).toString('hex')}`;
const KEY_HASH = createHash('sha256').update(KEY).digest('hex');
const PROJECT = 'proj-logs';
const SECRET_TEXT = `机密文本 ${randomBytes(6).toString('hex')}`;
const USER_AGENT = 'log-test/1.0';

let gw: GatewayProcess;
beforeAll(async () => {
  gw = await startGatewayProcess({
    AUTH_MODE: 'api_key',
    API_KEYS: `logtest:${KEY_HASH}`,
    TRACE_PROJECT: PROJECT,
    CALLER_LIMITS: JSON.stringify({ logtest: { rpm: 10_000, tpm: 10_000_000 } }),
  });
});
afterAll(async () => {
  await gw?.stop();
});

let seq = 0;
/** Each request carries a unique user agent so its line can be found among the others. */
async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const agent = `${USER_AGENT} #${++seq}`;
  const text = JSON.stringify(body);
  const res = await fetch(gw.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'user-agent': agent, ...headers },
    body: text,
  });
  const responseBytes = Buffer.from(await res.arrayBuffer());
  const line = await gw.waitForLine((l) => l[FIELD.event] === EVENT.request && l.httpRequest?.userAgent === agent);
  return { status: res.status, body: JSON.parse(responseBytes.toString('utf8')), responseBytes: responseBytes.length, requestBytes: Buffer.byteLength(text), line };
}

function expectNoSecrets(line: Record<string, unknown>): void {
  const text = JSON.stringify(line);
  expect(text).not.toContain(SECRET_TEXT);
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(KEY_HASH);
}

describe('the request line', () => {
  it('carries httpRequest, the trace from traceparent and every gateway field of an embedding', async () => {
    const { status, body, line, requestBytes, responseBytes } = await call('/embed?key=should-not-be-logged', { inputs: [SECRET_TEXT, 'I love watching movies'] }, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(status).toBe(200);
    expect(line[CLOUD_LOGGING.severity]).toBe('INFO');
    expect(line[CLOUD_LOGGING.httpRequest]).toEqual({
      [HTTP_REQUEST.method]: 'POST',
      [HTTP_REQUEST.url]: '/embed',
      [HTTP_REQUEST.status]: 200,
      [HTTP_REQUEST.latency]: expect.stringMatching(/^\d+\.\d{6}s$/),
      [HTTP_REQUEST.requestSize]: String(requestBytes),
      [HTTP_REQUEST.responseSize]: String(responseBytes),
      [HTTP_REQUEST.userAgent]: expect.stringMatching(/^log-test\/1\.0 #\d+$/),
    });
    expect(line[CLOUD_LOGGING.trace]).toBe(`projects/${PROJECT}/traces/4bf92f3577b34da6a3ce929d0e0e4736`);
    expect(line[CLOUD_LOGGING.spanId]).toBe('00f067aa0ba902b7');
    expect(line[CLOUD_LOGGING.traceSampled]).toBe(true);
    expect(line[FIELD.event]).toBe(EVENT.request);
    expect(line[FIELD.route]).toBe('embed');
    expect(line[FIELD.caller]).toBe('logtest');
    expect(line[FIELD.statusClass]).toBe('2xx');
    expect(line[FIELD.latencyMs]).toBeCloseTo(Number(line.httpRequest.latency.slice(0, -1)) * 1000, 2);
    expect(line[FIELD.model]).toBe(body.model);
    expect(line[FIELD.provider]).toBe('local');
    expect(line[FIELD.texts]).toBe(2);
    expect(line[FIELD.cachedTexts]).toBe(0);
    expect(line[FIELD.tokens]).toBe(body.usage.tokens);
    expect(line[FIELD.truncated]).toBe(0);
    for (const absent of [FIELD.fallbackReason, FIELD.upstreamFailure, FIELD.errorType, FIELD.rateLimit]) expect(line).not.toHaveProperty(absent);
    expectNoSecrets(line);
  });

  it('reads the trace from x-cloud-trace-context (decimal span id) and counts cached texts', async () => {
    const { line } = await call('/embed', { inputs: [SECRET_TEXT, 'I love watching movies'] }, {
      'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/18446744073709551615;o=0',
    });
    expect(line[CLOUD_LOGGING.trace]).toBe(`projects/${PROJECT}/traces/105445aa7843bc8bf206b12000100000`);
    expect(line[CLOUD_LOGGING.spanId]).toBe('ffffffffffffffff');
    expect(line[CLOUD_LOGGING.traceSampled]).toBe(false);
    expect(line[FIELD.cachedTexts]).toBe(2);
    expectNoSecrets(line);
  });

  it('prefers traceparent when both headers arrive, and writes no trace without either', async () => {
    const both = await call('/embed', { inputs: ['x'] }, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
      'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1',
    });
    expect(both.line[CLOUD_LOGGING.trace]).toBe(`projects/${PROJECT}/traces/0af7651916cd43dd8448eb211c80319c`);
    expect(both.line[CLOUD_LOGGING.spanId]).toBe('b7ad6b7169203331');
    expect(both.line[CLOUD_LOGGING.traceSampled]).toBe(false);
    const none = await call('/embed', { inputs: ['x'] });
    expect(none.line).not.toHaveProperty(CLOUD_LOGGING.trace);
    expect(none.line).not.toHaveProperty(CLOUD_LOGGING.spanId);
  });

  it('counts truncated texts, on the OpenAI route too', async () => {
    const long = '我喜欢看电影。'.repeat(200);
    const { status, line } = await call('/v1/embeddings', { model: 'text-embedding-3-small', input: [long, 'short'] });
    expect(status).toBe(200);
    expect(line[FIELD.route]).toBe('openaiEmbeddings');
    expect(line[FIELD.texts]).toBe(2);
    expect(line[FIELD.truncated]).toBe(1);
    expect(line.httpRequest.requestUrl).toBe('/v1/embeddings');
  });

  it('logs a refused request with its error type and no caller, key or text', async () => {
    const { status, line } = await call('/embed', { inputs: [SECRET_TEXT] }, { 'x-api-key': `${KEY}-wrong` });
    expect(status).toBe(401);
    expect(line[CLOUD_LOGGING.severity]).toBe('INFO');
    expect(line.httpRequest.status).toBe(401);
    expect(line[FIELD.statusClass]).toBe('4xx');
    expect(line[FIELD.errorType]).toBe('unauthenticated');
    expect(line).not.toHaveProperty(FIELD.caller);
    expect(line).not.toHaveProperty(FIELD.model);
    expectNoSecrets(line);
    expect(JSON.stringify(line)).not.toContain(`${KEY}-wrong`);
  });

  it('writes exactly one request line per request', async () => {
    const { line } = await call('/chunk', { text: SECRET_TEXT, max_tokens: 8 });
    expect(line[FIELD.route]).toBe('chunk');
    // Lines are written in order: once a later request's line is out, a stray second line would be too.
    await call('/chunk', { text: 'x', max_tokens: 8 });
    expect(gw.lines.filter((l) => l.httpRequest?.userAgent === line.httpRequest.userAgent)).toHaveLength(1);
    for (const l of gw.lines) expectNoSecrets(l);
  });
});
