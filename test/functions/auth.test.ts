// Auth and CORS on the wire: every route but /healthz needs credentials once a mode is set.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/auth/api-keys.js';
import { tokenSigner } from '../helpers/id-token.js';
import { postJson, startTestServer } from '../helpers/server.js';

const KEY = 'a1'.repeat(32);
const OLD_KEY = 'b2'.repeat(32);
const AUDIENCE = 'https://embeddings.example.run.app';
const ALLOWED = 'indexer@test-proj.iam.gserviceaccount.com';
const ORIGIN = 'https://app.example';
const signer = tokenSigner();
const now = () => Math.floor(Date.now() / 1000);

let server: Awaited<ReturnType<typeof startTestServer>>;

/** A gateway with these keys, its ID tokens checked against the test signer's certificates. */
const serverWithKeys = (apiKeys: string) => startTestServer({
  AUTH_MODE: 'api_key,google_id_token',
  API_KEYS: apiKeys,
  ID_TOKEN_AUDIENCE: AUDIENCE,
  ID_TOKEN_ALLOWED_PRINCIPALS: ALLOWED,
  CORS_ORIGINS: ORIGIN,
}, { certificates: signer.certificates });

beforeAll(async () => {
  server = await serverWithKeys(`ci-pipeline:${sha256Hex(KEY)},retired-batch:${sha256Hex(OLD_KEY)}`);
});
afterAll(() => server.close());

const body = { model: 'text-embedding-3-small', input: '鉴权' };
const openai = (headers: Record<string, string>) => postJson(`${server.url}/v1/embeddings`, body, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('auth on the wire', () => {
  it('lets a valid key and a valid ID token through', async () => {
    expect((await openai(bearer(KEY))).status).toBe(200);
    expect((await openai({ 'x-api-key': KEY })).status).toBe(200);
    expect((await openai(bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED })))).status).toBe(200);
    expect((await postJson(`${server.url}/embed`, { inputs: ['鉴权'] }, { 'x-api-key': KEY })).status).toBe(200);
  });

  it('works with the openai SDK, whose apiKey is the gateway key', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
    expect((await client.embeddings.create(body)).data[0]!.embedding).toHaveLength(512);
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await expect(wrong.embeddings.create(body)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  const refused: [string, () => Record<string, string>, number][] = [
    ['no credentials', () => ({}), 401],
    ['a wrong key', () => bearer('c3'.repeat(32)), 401],
    ['an expired token', () => bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED, iat: now() - 7200, exp: now() - 3600 })), 401],
    ['a token for another audience', () => bearer(signer.sign({ aud: 'https://someone-else.run.app', email: ALLOWED })), 401],
    ['a token from a non-allowed account', () => bearer(signer.sign({ aud: AUDIENCE, email: 'stranger@gmail.com' })), 403],
  ];

  it.each(refused)('refuses %s on both routes, saying nothing useful to an attacker', async (_name, headers, status) => {
    const [oa, native] = await Promise.all([openai(headers()), postJson(`${server.url}/embed`, { inputs: ['x'] }, headers())]);
    expect(oa.status).toBe(status);
    expect(native.status).toBe(status);
    const type = status === 401 ? 'authentication_error' : 'permission_error';
    expect(oa.json.error).toEqual({
      type,
      code: status === 401 ? 'unauthenticated' : 'forbidden',
      param: null,
      message: status === 401 ? 'Missing or invalid credentials' : 'This caller is not allowed to use the gateway',
    });
    expect(native.json.error.type).toBe(status === 401 ? 'unauthenticated' : 'forbidden');
    if (status === 401) expect(oa.headers.get('www-authenticate')).toBe('Bearer realm="embedding-gateway"');
    for (const text of [oa.text, native.text]) {
      expect(text).not.toMatch(/expired|audience|issuer|signature|stranger|allowed principals|sha256|API_KEYS/i);
    }
  });

  it('refuses a key after it is removed from the configuration (revoked)', async () => {
    expect((await openai({ 'x-api-key': OLD_KEY })).status).toBe(200);
    // A configuration change is a new gateway (a redeploy): the same routes on the new settings.
    const revoked = await serverWithKeys(`ci-pipeline:${sha256Hex(KEY)}`);
    try {
      const res = await postJson(`${revoked.url}/v1/embeddings`, body, { 'x-api-key': OLD_KEY });
      expect(res.status).toBe(401);
      expect(res.json.error.message).toBe('Missing or invalid credentials');
      expect((await postJson(`${revoked.url}/v1/embeddings`, body, { 'x-api-key': KEY })).status).toBe(200);
    } finally {
      await revoked.close();
    }
  });

  it('serves /healthz without credentials, with nothing sensitive in it', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text).status).toBe('ok');
    for (const secret of [KEY, sha256Hex(KEY), 'ci-pipeline', 'retired-batch', AUDIENCE, ALLOWED, 'api_key', 'google_id_token', server.gateway.config.local.modelDir]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => fetch(`${server.url}/v1/embeddings`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' },
  });

  it('answers a preflight from an allowed origin without credentials', async () => {
    const res = await preflight(ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('gives a disallowed origin no CORS headers, on preflight or request', async () => {
    const pre = await preflight('https://evil.example');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    const res = await openai({ origin: 'https://evil.example', 'x-api-key': KEY });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks real answers to an allowed origin, refusals included, and exposes the model header', async () => {
    const ok = await openai({ origin: ORIGIN, 'x-api-key': KEY });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-embedding-model');
    const denied = await openai({ origin: ORIGIN });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});
