// The OpenAPI document against the real server: it validates as OpenAPI 3.1, and every route
// in shared/routes.ts has operations whose examples, sent to the dev server, get answers
// that validate against the document; so does one error answer per route.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.js';
import { pathMatcher } from '../../shared/dev-server.js';
import { openapiDocument } from '../../shared/openapi/document.js';
import { PubSubFixture, uniquePrefix } from '../helpers/pubsub.js';
import { startTestServer } from '../helpers/server.js';

type Json = Record<string, any>;

interface Call {
  method: 'GET' | 'POST';
  /** A concrete path, query included. */
  path: string;
  body?: unknown;
  status: number;
}

/**
 * One error request per route, keyed by the function's name in shared/routes.ts. A route
 * added there without an entry here fails below: add its error case (and its examples to
 * shared/openapi/document.ts) when you add the route.
 */
const errorCases: Record<string, Call> = {
  embed: { method: 'POST', path: '/embed', body: { inputs: ['ok', ''] }, status: 400 },
  similarity: { method: 'POST', path: '/similarity', body: { query: '我喜欢看电影' }, status: 400 },
  chunk: { method: 'POST', path: '/chunk', body: { text: '我喜欢看电影', max_tokens: 4, overlap_tokens: 4 }, status: 400 },
  openaiEmbeddings: { method: 'POST', path: '/v1/embeddings', body: { model: 'no-such-model', input: 'hi' }, status: 404 },
  vertexPredict: { method: 'POST', path: '/v1/projects/p/locations/us-central1/publishers/google/models/local:predict', body: { instances: [] }, status: 400 },
  vertexEmbedContent: { method: 'POST', path: '/v1/projects/p/locations/us-central1/publishers/google/models/local:embedContent', body: { content: { parts: [] } }, status: 400 },
  publisherModel: { method: 'GET', path: '/v1/publishers/google/models/no-such-model', status: 404 },
  projectPublisherModel: { method: 'GET', path: '/v1/projects/p/locations/us-central1/publishers/google/models/no-such-model', status: 404 },
  openaiModels: { method: 'POST', path: '/v1/models', body: {}, status: 405 },
  openaiModel: { method: 'GET', path: '/v1/models/no-such-model', status: 404 },
  jobStatus: { method: 'GET', path: '/jobs/no-such-job', status: 404 },
  health: { method: 'POST', path: '/healthz', body: {}, status: 405 },
  // Pub/Sub only reads the status: anything but 2xx means "deliver again".
  embedBatch: { method: 'POST', path: '/projects/test-proj/topics/openapi-jobs', body: { subscription: 's' }, status: 400 },
  playground: { method: 'GET', path: '/?asset=missing.js', status: 404 },
  openapi: { method: 'POST', path: '/openapi.json', body: {}, status: 405 },
  docs: { method: 'GET', path: '/docs?asset=missing.css', status: 404 },
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let pubsub: PubSubFixture;
let doc: Json;
const ajv = new Ajv2020({ strict: true, allErrors: true });
// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
(formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);

beforeAll(async () => {
  // embedBatch's example publishes its result: give it a real topic on the emulator.
  pubsub = new PubSubFixture(uniquePrefix('openapi'));
  const results = await pubsub.topic('results');
  server = await startTestServer({ RESULTS_TOPIC: results.name, PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST!, BATCH_STATE_STORE: 'memory' });
  const res = await fetch(`${server.url}/openapi.json`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await res.json();
  // The component schemas as one 2020-12 schema, so `$ref`s between them resolve.
  const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'openapi.json#/$defs/'));
  ajv.addSchema({ $id: 'openapi.json', $defs: defs });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await pubsub?.cleanup();
});

interface Op { path: string; method: string; operation: Json }

function operationsOf(name: string): Op[] {
  const found: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) if (operation['x-function'] === name) found.push({ path, method, operation });
  }
  return found;
}

/** `{param}` segments as the dev server matches them, so the document's path and routes.ts's compare. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
const matches = (op: Op, concrete: string) => pathMatcher(op.path).test(concrete.split('?')[0]!);

function concretePath(op: Op): string {
  let path = op.path;
  for (const p of (op.operation.parameters ?? []) as Json[]) {
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(String(p.example)));
  }
  return path;
}

async function send(call: Omit<Call, 'status'>) {
  const res = await fetch(`${server.url}${call.path}`, {
    method: call.method,
    headers: call.body === undefined ? {} : { 'content-type': 'application/json' },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

/** Checks an answer against the operation's response for its status; returns the problems. */
function check(op: Op, answer: { status: number; type: string; text: string }): string[] {
  const response = op.operation.responses[String(answer.status)];
  if (!response) return [`${op.method.toUpperCase()} ${op.path}: status ${answer.status} is not in the document (${answer.text.slice(0, 200)})`];
  const content = response.content as Json | undefined;
  if (!content) return answer.text === '' ? [] : [`status ${answer.status}: the document says no body, got ${answer.text.slice(0, 100)}`];
  const mediaType = Object.keys(content).find((t) => answer.type.startsWith(t));
  if (!mediaType) return [`status ${answer.status}: content-type ${answer.type} is not one of ${Object.keys(content).join(', ')}`];
  const schema = content[mediaType].schema as Json;
  const value = mediaType === 'application/json' ? JSON.parse(answer.text) : answer.text;
  const validate = schema.$ref
    ? ajv.compile({ $ref: String(schema.$ref).replace('#/components/schemas/', 'openapi.json#/$defs/') })
    : ajv.compile(schema);
  return validate(value) ? [] : [`status ${answer.status}: ${ajv.errorsText(validate.errors)}`];
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('the validator rejects a broken document (the check can fail)', async () => {
    const broken = structuredClone(doc);
    broken.paths['/embed'].post.responses = 'none';
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });

  it('is the document the source builds', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(openapiDocument())));
  });

  it('puts each function\'s deployed URL on its operations when ROUTE_URLS names it', () => {
    const deployed = openapiDocument({ routeUrls: { embed: 'https://us-central1-p.cloudfunctions.net/gw-embed' } }) as Json;
    expect(deployed.paths['/embed'].post.servers).toEqual([{ url: 'https://us-central1-p.cloudfunctions.net/gw-embed' }]);
    expect(deployed.paths['/chunk'].post.servers).toBeUndefined();
  });
});

describe('every route in shared/routes.ts, against the real server', () => {
  const names = routes.map((r) => [r.name] as [string]);

  it.each(names)('%s: described in the document, at its path, with an error case in this file', (name) => {
    const route = routes.find((r) => r.name === name)!;
    const ops = operationsOf(name);
    expect(ops.length, `${name} has no operation with "x-function": "${name}" in shared/openapi/document.ts`).toBeGreaterThan(0);
    expect(ops.map((op) => shape(op.path)), `${name}: none of its operations is at ${route.path}`).toContain(shape(route.path));
    expect(errorCases[name], `${name} has no entry in errorCases (test/openapi/document.test.ts)`).toBeDefined();
  });

  it.each(names)('%s: every example gets an answer that validates against the document', async (name) => {
    const ops = operationsOf(name);
    expect(ops.length).toBeGreaterThan(0);
    let sent = 0;
    for (const op of ops) {
      const body = op.operation.requestBody?.content?.['application/json'];
      const examples = body ? Object.values((body.examples ?? {}) as Record<string, { value: unknown }>) : [undefined];
      expect(examples.length, `${op.method} ${op.path} takes a body but has no examples`).toBeGreaterThan(0);
      for (const example of examples) {
        const answer = await send({ method: op.method.toUpperCase() as Call['method'], path: concretePath(op), body: example?.value });
        expect(answer.status, `${op.method} ${op.path}: ${answer.text.slice(0, 300)}`).toBeLessThan(300);
        expect(check(op, answer)).toEqual([]);
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(0);
  });

  it.each(names)('%s: its error answer validates against the document', async (name) => {
    const call = errorCases[name];
    expect(call, `${name} has no entry in errorCases`).toBeDefined();
    const answer = await send(call!);
    expect(answer.status, answer.text).toBe(call!.status);
    // The operation at that path and method; for a refused method, the one at that path.
    const op = operationsOf(name).find((o) => matches(o, call!.path) && o.method === call!.method.toLowerCase())
      ?? operationsOf(name).find((o) => matches(o, call!.path));
    expect(op, `no operation of ${name} at ${call!.path}`).toBeDefined();
    expect(check(op!, answer)).toEqual([]);
  });

  it('the schema check can fail: an answer missing a required field is reported', () => {
    const op = operationsOf('similarity')[0]!;
    const problems = check(op, { status: 200, type: 'application/json', text: JSON.stringify({ model: 'm', provider: 'local', scores: [] }) });
    expect(problems.join('\n')).toMatch(/fallback/);
  });
});
