import OpenAI from 'openai';
import { OpenAIEmbeddings } from '@langchain/openai';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kRanks from 'js-tiktoken/ranks/cl100k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodingFor } from '../../shared/openai/token-ids.js';
import { postJson, startTestServer } from '../helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let client: OpenAI;
const MAX_INPUTS = 8;
const MAX_TOKEN_IDS = 64;

beforeAll(async () => {
  server = await startTestServer({
    MAX_INPUTS: String(MAX_INPUTS),
    OPENAI_MAX_TOKEN_IDS_PER_INPUT: String(MAX_TOKEN_IDS),
    OPENAI_MODELS: 'text-embedding-3-small=auto,house-embedder=local',
  });
  client = new OpenAI({ apiKey: 'not-needed-without-auth', baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(() => server.close());

const TEXTS = ['我喜欢看电影', 'I love watching movies', '今天股市大跌'];

/** The native route's vectors for the same texts on the same model: the reference. */
async function nativeVectors(texts: string[]): Promise<{ model: string; values: number[][]; tokens: number[] }> {
  const res = await postJson(`${server.url}/embed`, { inputs: texts });
  expect(res.status).toBe(200);
  return { model: res.json.model, values: res.json.embeddings.map((e: any) => e.values), tokens: res.json.embeddings.map((e: any) => e.tokens) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('POST /v1/embeddings with the openai SDK', () => {
  it('embeds one string (SDK default: base64) like /embed, with usage filled', async () => {
    const [res, native] = await Promise.all([
      client.embeddings.create({ model: 'text-embedding-3-small', input: TEXTS[0]! }),
      nativeVectors([TEXTS[0]!]),
    ]);
    expect(res.object).toBe('list');
    expect(res.data).toHaveLength(1);
    expect(res.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(res.data[0]!.embedding).toHaveLength(512);
    expect(maxAbsDiff(res.data[0]!.embedding, native.values[0]!)).toBeLessThanOrEqual(1e-6);
    expect(res.model).toBe(native.model);
    expect(res.usage).toEqual({ prompt_tokens: native.tokens[0], total_tokens: native.tokens[0] });
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('embeds an array in order, float encoding, like /embed', async () => {
    const [res, native] = await Promise.all([
      client.embeddings.create({ model: 'text-embedding-3-small', input: TEXTS, encoding_format: 'float' }),
      nativeVectors(TEXTS),
    ]);
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    res.data.forEach((d, i) => {
      expect(Array.isArray(d.embedding)).toBe(true);
      expect(maxAbsDiff(d.embedding, native.values[i]!)).toBeLessThanOrEqual(1e-6);
    });
    const total = native.tokens.reduce((s, t) => s + t, 0);
    expect(res.usage).toEqual({ prompt_tokens: total, total_tokens: total });
  });

  it('sends explicit base64 as little-endian float32, equal to float', async () => {
    const raw = await client.embeddings.create({ model: 'text-embedding-3-small', input: TEXTS[2]!, encoding_format: 'base64' });
    const encoded = raw.data[0]!.embedding as unknown as string;
    expect(typeof encoded).toBe('string');
    const bytes = Buffer.from(encoded, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    const float = await client.embeddings.create({ model: 'text-embedding-3-small', input: TEXTS[2]!, encoding_format: 'float' });
    expect(decoded).toEqual(float.data[0]!.embedding);
  });

  it('honours dimensions the model has (512) and refuses one it lacks (256) naming the param', async () => {
    const full = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 512 });
    expect(full.data[0]!.embedding).toHaveLength(512);
    const refused = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 256 }).catch((e) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({ status: 400, param: 'dimensions', type: 'invalid_request_error' });
    expect(refused.message).toMatch(/not Matryoshka-trained.*512/);
  });

  it('maps model names through OPENAI_MODELS, and takes gateway model names as they are', async () => {
    const [mapped, direct] = await Promise.all([
      client.embeddings.create({ model: 'house-embedder', input: TEXTS[1]!, encoding_format: 'float' }),
      client.embeddings.create({ model: 'local', input: TEXTS[1]!, encoding_format: 'float' }),
    ]);
    expect(mapped.model).toMatch(/^bge-small-zh-v1\.5@/);
    expect(direct.data[0]!.embedding).toEqual(mapped.data[0]!.embedding);
  });

  it('answers an unknown model with 404 model_not_found (NotFoundError in the SDK)', async () => {
    // ada-002 is in the default mapping, but this server's OPENAI_MODELS replaced it.
    const error = await client.embeddings.create({ model: 'text-embedding-ada-002', input: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
  });

  it('names the model in x-embedding-model', async () => {
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).withResponse();
    expect(response.headers.get('x-embedding-model')).toBe(data.model);
    expect(response.headers.get('x-embedding-provider')).toBe('local');
  });
});

describe('POST /v1/embeddings with token ids (what LangChain Python sends)', () => {
  // The ids js-tiktoken makes for these texts: the tokenizer LangChain's tiktoken is a port of.
  const cl100k = new Tiktoken(cl100kRanks);
  const MIXED = ['我喜欢看电影', 'I love watching movies', '今天股市大跌，投资者纷纷抛售。', 'Embeddings: 向量 & vectors, 3.14'];

  it('one array of ids gives the vector and usage of its text', async () => {
    const ids = cl100k.encode(MIXED[0]!);
    const [fromIds, fromText] = await Promise.all([
      client.embeddings.create({ model: 'text-embedding-3-small', input: ids, encoding_format: 'float' }),
      client.embeddings.create({ model: 'text-embedding-3-small', input: MIXED[0]!, encoding_format: 'float' }),
    ]);
    expect(fromIds.data).toHaveLength(1);
    expect(maxAbsDiff(fromIds.data[0]!.embedding, fromText.data[0]!.embedding)).toBeLessThanOrEqual(1e-6);
    // usage counts the tokens the serving model read, not the OpenAI ids sent.
    expect(fromIds.usage).toEqual(fromText.usage);
  });

  it('an array of id arrays gives the vectors of the texts, in order', async () => {
    const native = await nativeVectors(MIXED);
    const res = await postJson(`${server.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: MIXED.map((t) => cl100k.encode(t)) });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toHaveLength(MIXED.length);
    res.json.data.forEach((d: any, i: number) => expect(maxAbsDiff(d.embedding, native.values[i]!)).toBeLessThanOrEqual(1e-6));
  });

  it.each(['text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002'])('reads %s ids as cl100k_base', (model) => {
    expect(encodingFor(model)).toBe('cl100k_base');
  });

  it('ids mixed with texts in one array are embedded in place', async () => {
    const native = await nativeVectors(MIXED.slice(0, 2));
    const res = await postJson(`${server.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: [cl100k.encode(MIXED[0]!), MIXED[1]] });
    expect(res.status).toBe(200);
    res.json.data.forEach((d: any, i: number) => expect(maxAbsDiff(d.embedding, native.values[i]!)).toBeLessThanOrEqual(1e-6));
  });

  it('names the input holding an id outside the vocabulary', async () => {
    const res = await postJson(`${server.url}/v1/embeddings`, { model: 'text-embedding-3-small', input: [cl100k.encode('ok'), [1, 2, 100300]] });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'input[1]', type: 'invalid_request_error' });
    expect(res.json.error.message).toMatch(/100300.*cl100k_base/);
  });
});

describe('POST /v1/embeddings with LangChain OpenAIEmbeddings', () => {
  const embeddings = () => new OpenAIEmbeddings({
    model: 'text-embedding-3-small', apiKey: 'not-needed-without-auth', maxRetries: 0, configuration: { baseURL: `${server.url}/v1` },
  });

  it('embedDocuments and embedQuery give /embed vectors', async () => {
    const lc = embeddings();
    const [docs, query, native] = await Promise.all([lc.embedDocuments(TEXTS), lc.embedQuery(TEXTS[1]!), nativeVectors(TEXTS)]);
    expect(docs).toHaveLength(3);
    docs.forEach((vector, i) => expect(maxAbsDiff(vector, native.values[i]!)).toBeLessThanOrEqual(1e-6));
    expect(maxAbsDiff(query, native.values[1]!)).toBeLessThanOrEqual(1e-6);
  });
});

describe('POST /v1/embeddings refusals, in OpenAI error shape', () => {
  const post = (body: unknown, headers?: Record<string, string>) => postJson(`${server.url}/v1/embeddings`, body, headers);
  const model = 'text-embedding-3-small';
  const cases: [string, unknown, Record<string, string> | undefined, number, string | null, string][] = [
    ['input missing', { model }, undefined, 400, 'input', 'invalid_request'],
    ['input null', { model, input: null }, undefined, 400, 'input', 'invalid_request'],
    ['input empty array', { model, input: [] }, undefined, 400, 'input', 'invalid_request'],
    ['input empty string', { model, input: '' }, undefined, 400, 'input', 'invalid_request'],
    ['input a number', { model, input: 42 }, undefined, 400, 'input', 'invalid_request'],
    ['input an object', { model, input: { text: 'a' } }, undefined, 400, 'input', 'invalid_request'],
    ['input holding an empty string', { model, input: ['ok', ' '] }, undefined, 400, 'input[1]', 'invalid_request'],
    ['input holding null', { model, input: ['ok', null] }, undefined, 400, 'input[1]', 'invalid_request'],
    ['input holding an object', { model, input: [{ text: 'a' }] }, undefined, 400, 'input[0]', 'invalid_request'],
    ['token ids outside the vocabulary', { model, input: [9906, 100256] }, undefined, 400, 'input', 'invalid_request'],
    ['a negative token id', { model, input: [[9906], [-1]] }, undefined, 400, 'input[1]', 'invalid_request'],
    ['a fractional token id', { model, input: [[9906.5]] }, undefined, 400, 'input[0]', 'invalid_request'],
    ['a special token id', { model, input: [[9906, 100257]] }, undefined, 400, 'input[0]', 'invalid_request'],
    ['an empty token id array', { model, input: [[9906], []] }, undefined, 400, 'input[1]', 'invalid_request'],
    ['token ids mixed with strings in one array', { model, input: [[9906, 'a']] }, undefined, 400, 'input[0]', 'invalid_request'],
    ['more token ids than an input may hold', { model, input: Array.from({ length: MAX_TOKEN_IDS + 1 }, () => 9906) }, undefined, 413, 'input', 'too_large'],
    ['token ids for a model without a known encoding', { model: 'house-embedder', input: [[9906]] }, undefined, 400, 'model', 'invalid_request'],
    ['too many inputs', { model, input: Array.from({ length: MAX_INPUTS + 1 }, () => 'x') }, undefined, 413, 'input', 'too_large'],
    ['model missing', { input: 'a' }, undefined, 400, 'model', 'invalid_request'],
    ['model a number', { input: 'a', model: 3 }, undefined, 400, 'model', 'invalid_request'],
    ['unknown model', { input: 'a', model: 'gpt-9' }, undefined, 404, 'model', 'model_not_found'],
    ['dimensions a string', { model, input: 'a', dimensions: '512' }, undefined, 400, 'dimensions', 'invalid_request'],
    ['dimensions zero', { model, input: 'a', dimensions: 0 }, undefined, 400, 'dimensions', 'invalid_request'],
    ['dimensions above the model', { model, input: 'a', dimensions: 1536 }, undefined, 400, 'dimensions', 'invalid_request'],
    ['unknown encoding_format', { model, input: 'a', encoding_format: 'hex' }, undefined, 400, 'encoding_format', 'invalid_request'],
    ['user not a string', { model, input: 'a', user: 7 }, undefined, 400, 'user', 'invalid_request'],
    ['a native field', { model, input: 'a', inputs: ['a'] }, undefined, 400, 'inputs', 'invalid_request'],
    ['malformed JSON', '{"model": "text-embedding-3-small", "input": [', undefined, 400, 'body', 'invalid_request'],
    ['wrong content type', 'input=a', { 'content-type': 'text/plain' }, 415, 'content-type', 'unsupported_media_type'],
  ];

  it.each(cases)('refuses %s', async (_name, body, headers, status, param, code) => {
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(Object.keys(res.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(res.json.error).toMatchObject({ param, code, type: 'invalid_request_error' });
    expect(res.json.error.message.length).toBeGreaterThan(0);
  });

  it('names the encoding it reads when the model has none known', async () => {
    const res = await post({ model: 'local', input: [9906, 1917] });
    expect(res.json.error.message).toMatch(/encoding of "local" is not known.*cl100k_base/);
  });

  it('accepts user and ignores it', async () => {
    const res = await post({ model, input: 'a', user: 'end-user-17' });
    expect(res.status).toBe(200);
  });

  it('answers GET with 405 in OpenAI shape', async () => {
    const res = await fetch(`${server.url}/v1/embeddings`);
    expect(res.status).toBe(405);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'method_not_allowed', param: null });
  });

  it('leaves /embed errors in the native shape, malformed JSON included', async () => {
    const res = await postJson(`${server.url}/embed`, '{"inputs": [');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request', field: 'body' });
  });
});
