import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../shared/auth/api-keys.js';
import { createAuthenticator } from '../../shared/auth/authenticator.js';
import { loadConfig } from '../../shared/config.js';
import { GatewayError } from '../../shared/errors.js';
import { setLogLevel } from '../../shared/log.js';
import { tokenSigner } from '../helpers/id-token.js';

const KEY = 'f3b1c0ffee'.repeat(6);
const OLD_KEY = 'deadbeef'.repeat(8);
const AUDIENCE = 'https://gateway.example.run.app';
const ALLOWED = 'caller@test-proj.iam.gserviceaccount.com';
const signer = tokenSigner();

const authConfig = (env: Record<string, string>) => loadConfig({ LOG_LEVEL: 'error', ...env }).auth;
const both = authConfig({
  AUTH_MODE: 'api_key,google_id_token',
  API_KEYS: `ci:${sha256Hex(KEY)}`,
  ID_TOKEN_AUDIENCE: AUDIENCE,
  ID_TOKEN_ALLOWED_PRINCIPALS: `${ALLOWED},4242`,
});
const auth = createAuthenticator(both, { certificates: signer.certificates });

async function refusal(headers: Record<string, string>): Promise<GatewayError> {
  try {
    await auth.authenticate(headers);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const now = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

afterEach(() => {
  vi.restoreAllMocks();
  setLogLevel('error');
});

describe('authenticator', () => {
  it('lets everyone in as anonymous when no mode is set', async () => {
    const open = createAuthenticator(authConfig({}));
    expect(await open.authenticate({})).toEqual({ kind: 'anonymous', name: 'anonymous' });
  });

  it.each([
    ['Authorization: Bearer', bearer(KEY)],
    ['a lower-case bearer scheme', { authorization: `bearer ${KEY}` }],
    ['x-api-key', { 'x-api-key': KEY }],
    ['x-api-key beside a Cloud Run IAM token it does not know', { 'x-api-key': KEY, ...bearer(signer.sign({ aud: 'other' })) }],
  ])('accepts a configured key sent as %s, by its name', async (_name, headers) => {
    expect(await auth.authenticate(headers)).toEqual({ kind: 'api_key', name: 'ci' });
  });

  it('accepts a valid ID token of an allowed account, by its email', async () => {
    expect(await auth.authenticate(bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED })))).toEqual({ kind: 'google', name: ALLOWED });
    const plainIssuer = signer.sign({ aud: AUDIENCE, email: ALLOWED.toUpperCase(), iss: 'accounts.google.com' });
    expect(await auth.authenticate(bearer(plainIssuer))).toEqual({ kind: 'google', name: ALLOWED });
  });

  it('accepts an account listed by its numeric id (sub)', async () => {
    expect(await auth.authenticate(bearer(signer.sign({ aud: AUDIENCE, sub: '4242', email: undefined })))).toEqual({ kind: 'google', name: '4242' });
  });

  const other = tokenSigner();
  const unauthenticated: [string, Record<string, string>][] = [
    ['no credentials', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a Basic header', { authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` }],
    ['a wrong key', bearer('0'.repeat(64))],
    ['a wrong x-api-key', { 'x-api-key': 'nope' }],
    ['an expired token', bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED, iat: now() - 7200, exp: now() - 3600 }))],
    ['a token for another audience', bearer(signer.sign({ aud: 'https://other.example', email: ALLOWED }))],
    ['a token from another issuer', bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED, iss: 'https://evil.example' }))],
    ['a token signed by another key with the same kid', bearer(other.sign({ aud: AUDIENCE, email: ALLOWED }))],
    ['a token with an unknown kid', bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED }, { kid: 'rotated-away' }))],
    ['a token whose payload was edited', bearer((() => {
      const [h, , s] = signer.sign({ aud: AUDIENCE, email: 'someone@else.example' }).split('.');
      const forged = Buffer.from(JSON.stringify({ iss: 'https://accounts.google.com', aud: AUDIENCE, email: ALLOWED, iat: now(), exp: now() + 600 })).toString('base64url');
      return `${h}.${forged}.${s}`;
    })())],
  ];

  it.each(unauthenticated)('answers 401 with one message for %s', async (_name, headers) => {
    const error = await refusal(headers);
    expect(error.status).toBe(401);
    expect(error.message).toBe('Missing or invalid credentials');
  });

  it.each([
    ['an account not on the list', { email: 'intruder@example.com' }],
    ['an allowed email that Google has not verified', { email: ALLOWED, email_verified: false }],
    ['a token without an email', { email: undefined, sub: '999' }],
  ])('answers 403 for a valid token of %s', async (_name, claims) => {
    const error = await refusal(bearer(signer.sign({ aud: AUDIENCE, ...claims })));
    expect(error.status).toBe(403);
    expect(error.message).toBe('This caller is not allowed to use the gateway');
  });

  it('refuses a key once it is removed from the configuration (revoked)', async () => {
    const twoKeys = { AUTH_MODE: 'api_key', API_KEYS: `ci:${sha256Hex(KEY)},old:${sha256Hex(OLD_KEY)}` };
    expect(await createAuthenticator(authConfig(twoKeys)).authenticate({ 'x-api-key': OLD_KEY })).toEqual({ kind: 'api_key', name: 'old' });
    const revoked = createAuthenticator(authConfig({ ...twoKeys, API_KEYS: `ci:${sha256Hex(KEY)}` }));
    await expect(revoked.authenticate({ 'x-api-key': OLD_KEY })).rejects.toMatchObject({ status: 401 });
  });

  it('in api_key mode alone, does not take ID tokens', async () => {
    const keysOnly = createAuthenticator(authConfig({ AUTH_MODE: 'api_key', API_KEYS: `ci:${sha256Hex(KEY)}` }), { certificates: signer.certificates });
    await expect(keysOnly.authenticate(bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED })))).rejects.toMatchObject({ status: 401 });
  });

  it('in google_id_token mode alone, does not take keys', async () => {
    const tokensOnly = createAuthenticator(authConfig({ AUTH_MODE: 'google_id_token', ID_TOKEN_AUDIENCE: AUDIENCE, ID_TOKEN_ALLOWED_PRINCIPALS: ALLOWED }), { certificates: signer.certificates });
    await expect(tokensOnly.authenticate({ 'x-api-key': KEY })).rejects.toMatchObject({ status: 401 });
    expect(await tokensOnly.authenticate(bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED })))).toMatchObject({ kind: 'google' });
  });

  it('answers 503, not 401, when Google certificates cannot be fetched', async () => {
    const offline = createAuthenticator(both, { certificates: async () => { throw new Error('ENOTFOUND'); } });
    await expect(offline.authenticate(bearer(signer.sign({ aud: AUDIENCE, email: ALLOWED })))).rejects.toMatchObject({ status: 503 });
  });

  it('logs why a caller was refused and who was let in, never the key or the token', async () => {
    setLogLevel('info');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
    const expired = signer.sign({ aud: AUDIENCE, email: ALLOWED, iat: now() - 7200, exp: now() - 3600 });
    await refusal(bearer(expired));
    await refusal({ 'x-api-key': `${KEY}x` });
    await refusal(bearer(signer.sign({ aud: AUDIENCE, email: 'intruder@example.com' })));
    const out = lines.join('');
    expect(out).toContain('id_token_expired');
    expect(out).toContain('unknown_key');
    expect(out).toContain('id_token_not_allowed');
    for (const secret of [KEY, expired, expired.split('.')[1]!, sha256Hex(KEY)]) expect(out).not.toContain(secret);
  });
});

describe('config', () => {
  it('refuses google_id_token with an empty allow list, naming the variable', () => {
    expect(() => loadConfig({ AUTH_MODE: 'google_id_token', ID_TOKEN_AUDIENCE: AUDIENCE })).toThrow(/ID_TOKEN_ALLOWED_PRINCIPALS/);
  });
});
