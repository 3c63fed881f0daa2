// Probe: a push that is not an envelope, and envelopes Pub/Sub would redeliver forever (no
// messageId, data that cannot be decoded). The first is a 400 saying so; the others are acked
// with a job_error result, like every permanent failure. Real dev server, real Pub/Sub emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/logs.js';
import { PubSubFixture, uniquePrefix, type Collector } from '../helpers/pubsub.js';
import { postJson, startTestServer } from '../helpers/server.js';

const fx = new PubSubFixture(uniquePrefix('i10push'));
let server: Awaited<ReturnType<typeof startTestServer>>;
let results: Collector;
let pushUrl: string;

beforeAll(async () => {
  results = await fx.collect(await fx.topic('results'));
  server = await startTestServer({ RESULTS_TOPIC: fx.topicPath('results'), BATCH_STATE_STORE: 'memory', CACHE_STORE: 'none' });
  pushUrl = `${server.url}/projects/test-proj/topics/${fx.prefix}-jobs`;
});
afterAll(async () => {
  await server?.close();
  await fx.cleanup();
});

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
const envelope = (message: Record<string, unknown>) => ({ message, subscription: `projects/test-proj/subscriptions/${fx.prefix}-push` });
const NOT_ENVELOPE = /^The body is not a Pub\/Sub push envelope/;

describe('the Pub/Sub push route', () => {
  it.each([
    ['an empty object', {}],
    ['an array', [1, 2]],
    ['a job posted bare, without the envelope', { job_id: 'bare', items: [{ id: 'a', text: '你好' }] }],
    ['an envelope whose message is not an object', { message: 'hello', subscription: 's' }],
  ])('answers %s with a 400 that says it is not an envelope', async (_, body) => {
    const res = await postJson(pushUrl, body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request' });
    expect(res.json.error.message).toMatch(NOT_ENVELOPE);
  });

  it('answers malformed JSON and other media types with the same 400', async () => {
    const broken = await postJson(pushUrl, '{"message": {');
    expect(broken.status).toBe(400);
    expect(broken.json.error.message).toMatch(NOT_ENVELOPE);
    const text = await fetch(pushUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(400);
    expect((await text.json()).error.message).toMatch(NOT_ENVELOPE);
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const res = await fetch(pushUrl);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await res.json()).error.type).toBe('method_not_allowed');
  });

  it('acks an envelope without messageId and publishes its job_error, under one stable id', async () => {
    const body = envelope({ data: b64('not a job'), publishTime: new Date().toISOString() });
    const first = await postJson(pushUrl, body);
    const second = await postJson(pushUrl, body);
    expect([first.status, second.status]).toEqual([204, 204]);
    await results.until(() => results.messages.filter((m) => m.body.source_message_id?.startsWith('unidentified-')).length >= 2);
    const errors = results.messages.filter((m) => m.body.source_message_id?.startsWith('unidentified-'));
    expect(errors[0]!.attributes.kind).toBe('job_error');
    expect(errors[0]!.body).toMatchObject({ job_id: null, items: [], error: { type: 'invalid_request', field: 'body' } });
    // A redelivery of the same envelope has the same result_id, so a subscriber keeps one.
    expect(errors[1]!.body.result_id).toBe(errors[0]!.body.result_id);
  });

  it.each([
    ['data that is not a string', { messageId: 'm-number', data: 12345 }, 'message.data is not a base64 string'],
    ['data that is not base64', { messageId: 'm-notb64', data: '@@@ not base64 @@@' }, 'message.data is not valid base64'],
  ])('acks an envelope with %s and publishes a job_error naming message.data', async (_, message, reason) => {
    const res = await postJson(pushUrl, envelope(message));
    expect(res.status).toBe(204);
    const id = (message as { messageId: string }).messageId;
    await results.until(() => results.messages.some((m) => m.body.source_message_id === id));
    const error = results.messages.find((m) => m.body.source_message_id === id)!;
    expect(error.attributes).toMatchObject({ kind: 'job_error', result_id: `message-${id}#error` });
    expect(error.body.error).toEqual({ type: 'invalid_request', field: 'message.data', message: `The job message cannot be read: ${reason}` });
  });

  it('acks an envelope with no data at all with a job_error', async () => {
    const res = await postJson(pushUrl, envelope({ messageId: 'm-empty' }));
    expect(res.status).toBe(204);
    await results.until(() => results.messages.some((m) => m.body.source_message_id === 'm-empty'));
    expect(results.messages.find((m) => m.body.source_message_id === 'm-empty')!.attributes.kind).toBe('job_error');
  });

  it('still embeds a valid job, with or without a messageId, after all that', async () => {
    const job = (id: string) => ({ job_id: id, items: [{ id: `${id}-a`, text: '推送仍然工作' }] });
    expect((await postJson(pushUrl, envelope({ messageId: 'm-ok', data: b64(job('push-ok')) }))).status).toBe(204);
    expect((await postJson(pushUrl, envelope({ data: b64(job('push-no-id')) }))).status).toBe(204);
    await results.untilItems('push-ok', 1);
    await results.untilItems('push-no-id', 1);
    expect(results.items('push-ok')[0].vectors).toBeDefined();
    expect(results.items('push-no-id')[0].vectors).toBeDefined();
  });

  it('writes one request line per delivery, acked or refused, with no data in it', async () => {
    const logs = captureLogs();
    const requestLines = () => logs.lines().filter((l) => l.event === 'request' && l.route === 'embedBatch');
    try {
      const secret = '推送的机密数据';
      expect((await postJson(pushUrl, envelope({ messageId: 'm-line', data: b64(secret) }))).status).toBe(204);
      expect((await postJson(pushUrl, { message: 'hello' })).status).toBe(400);
      // The line is written when the server's side of the answer closes: wait for it, not a time.
      while (requestLines().length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(logs.raw()).not.toContain(secret);
      expect(logs.raw()).not.toContain(b64(secret));
    } finally {
      logs.restore();
    }
    const [acked, refused] = requestLines();
    expect(acked).toMatchObject({ severity: 'INFO', message: 'request', status_class: '2xx', httpRequest: { requestMethod: 'POST', status: 204 } });
    expect(acked.httpRequest.requestUrl).toBe(new URL(pushUrl).pathname);
    expect(acked.error_type).toBeUndefined();
    expect(refused).toMatchObject({ severity: 'INFO', message: 'request failed', status_class: '4xx', error_type: 'invalid_request', httpRequest: { status: 400 } });
    expect(Number(refused.httpRequest.responseSize)).toBeGreaterThan(0);
  });
});
