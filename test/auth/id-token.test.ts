// Probe: Google's certificates cannot be fetched. Certificates fetched before are reused; with
// none at all, ID tokens get 503 with retry-after, the outage is one ERROR line per interval
// (not two per request), and the certificate endpoint is not hit once per request.
import { afterEach, describe, expect, it } from 'vitest';
import type { Certificates } from 'google-auth-library';
import { cachedCertificates, CertificatesUnavailable } from '../../shared/auth/id-token.js';
import { tokenSigner } from '../helpers/id-token.js';
import { captureLogs } from '../helpers/logs.js';
import { postJson, startTestServer } from '../helpers/server.js';

const AUDIENCE = 'https://embeddings.example.run.app';
const ALLOWED = 'indexer@test-proj.iam.gserviceaccount.com';
const signer = tokenSigner();
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;

/** A certificate endpoint that can be taken down, counting its calls. */
function endpoint() {
  const state = { up: true, calls: 0 };
  const source = async (): Promise<Certificates> => {
    state.calls++;
    if (!state.up) throw new Error('getaddrinfo ENOTFOUND www.googleapis.com');
    return signer.certificates();
  };
  return { state, source };
}

/** A gateway that fetches Google's certificates from this endpoint. */
async function serve(google: ReturnType<typeof endpoint>): Promise<string> {
  server = await startTestServer({ AUTH_MODE: 'google_id_token', ID_TOKEN_AUDIENCE: AUDIENCE, ID_TOKEN_ALLOWED_PRINCIPALS: ALLOWED }, { certificates: google.source });
  return server.url;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const call = (token: string) => postJson(`${server!.url}/chunk`, { text: '证书', max_tokens: 8 }, { authorization: `Bearer ${token}` });

describe('an identity provider outage', () => {
  it('keeps verifying tokens with the certificates fetched before it', async () => {
    const google = endpoint();
    await serve(google);
    const token = signer.sign({ aud: AUDIENCE, email: ALLOWED });
    expect((await call(token)).status).toBe(200);
    google.state.up = false;
    const logs = captureLogs();
    for (let i = 0; i < 10; i++) expect((await call(token)).status).toBe(200);
    logs.restore();
    // One failed refresh, then the retry interval: not one fetch per request.
    expect(google.state.calls).toBe(2);
    expect(logs.lines().filter((l) => l.severity === 'ERROR')).toEqual([]);
    expect(logs.lines().filter((l) => l.severity === 'WARNING').map((l) => l.message)).toEqual(['auth could not refresh Google certificates; using the last ones fetched']);
  });

  it('with no certificates at all: 503 with retry-after, one ERROR line, one fetch per interval', async () => {
    const google = endpoint();
    google.state.up = false;
    const url = await serve(google);
    const token = signer.sign({ aud: AUDIENCE, email: ALLOWED });
    const logs = captureLogs();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(token)));
    for (let i = 0; i < 10; i++) answers.push(await call(token));
    logs.restore();
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.json.error).toEqual({ type: 'upstream', message: 'Credentials cannot be checked right now; retry later' });
    }
    expect(google.state.calls).toBe(1);
    const errors = logs.lines().filter((l) => l.severity === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/could not fetch Google certificates/);
    expect(logs.raw()).not.toContain(token.split('.')[2]!);
    // Each request still has its own (warning) line, without a stack.
    expect(logs.lines().filter((l) => l.message === 'request failed' && l.severity === 'WARNING')).toHaveLength(30);
    // Keys and public routes are unaffected.
    expect((await postJson(`${url}/healthz`, {})).status).toBe(405);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('cachedCertificates', () => {
  it('refetches after the retry interval and gives up on stale certificates after maxStaleMs', async () => {
    let t = 0;
    const google = endpoint();
    const certs = cachedCertificates(google.source, { retryMs: 5_000, maxStaleMs: 60_000, now: () => t });
    const first = await certs();
    google.state.up = false;
    t = 1_000;
    expect(await certs()).toBe(first);
    t = 5_500;
    expect(await certs()).toBe(first);
    expect(google.state.calls).toBe(2);
    t = 7_000;
    expect(await certs()).toBe(first);
    expect(google.state.calls).toBe(3);
    t = 70_000;
    const error = await certs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificatesUnavailable);
    expect((error as CertificatesUnavailable).retryAfterSeconds).toBe(5);
    google.state.up = true;
    t = 80_000;
    expect(await certs()).toEqual(first);
  });
});
