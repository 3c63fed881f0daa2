// Google ID tokens: signature (against Google's certificates), expiry, issuer and audience are
// checked by google-auth-library; then the identity must be on the allow list. The certificate
// source is passed in so tests sign their own tokens and nothing reaches the network.
import type { Certificates } from 'google-auth-library';
import { lazy } from '../lazy.js';
import { log, logThrottled } from '../log.js';

export type CertificateSource = () => Promise<Certificates>;

export type IdTokenResult =
  | { ok: true; name: string }
  | { ok: false; reason: 'not_allowed' | 'expired' | 'audience' | 'issuer' | 'signature' | 'malformed' | 'unverified_email' };

export interface IdTokenVerifier {
  verify(token: string): Promise<IdTokenResult>;
}

export const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

const oauthClient = () => lazy(() => import('google-auth-library').then(({ OAuth2Client }) => new OAuth2Client()));

/** Google's published signing certificates, fetched and cached (per their max-age) by the library. */
export function googleCertificates(): CertificateSource {
  const client = oauthClient();
  return async () => (await (await client()).getFederatedSignonCertsAsync()).certs;
}

/** No certificates at all: the identity provider is unreachable and nothing was ever fetched. */
export class CertificatesUnavailable extends Error {
  constructor(readonly retryAfterSeconds: number, cause: unknown) {
    super(`Google certificates cannot be fetched: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CertificatesUnavailable';
  }
}

export interface CertificateCacheOptions {
  /** How long the last certificates fetched are still used while fetching fails. */
  maxStaleMs?: number;
  /** After a failed fetch, how long requests do not try again (and the retry-after they get). */
  retryMs?: number;
  now?: () => number;
}

/**
 * Keeps the last certificates fetched and reuses them while the source fails (Google publishes
 * each key well before signing with it and keeps it for days after), so an identity provider
 * outage does not refuse tokens that verified a minute ago. Concurrent callers share one fetch,
 * and after a failure nobody fetches again for `retryMs`: an outage costs one attempt per
 * interval, not one per request. With nothing fetched yet, it throws CertificatesUnavailable.
 */
export function cachedCertificates(source: CertificateSource, options: CertificateCacheOptions = {}): CertificateSource {
  const maxStaleMs = options.maxStaleMs ?? 24 * 3600_000;
  const retryMs = options.retryMs ?? 5_000;
  const now = options.now ?? Date.now;
  let good: { certs: Certificates; at: number } | undefined;
  let failure: { error: unknown; at: number } | undefined;
  let inFlight: Promise<Certificates> | undefined;
  const usable = () => (good && now() - good.at <= maxStaleMs ? good.certs : undefined);
  return async () => {
    if (failure && now() - failure.at < retryMs) {
      const certs = usable();
      if (certs) return certs;
      throw new CertificatesUnavailable(Math.ceil((retryMs - (now() - failure.at)) / 1000), failure.error);
    }
    inFlight ??= source().then(
      (certs) => {
        good = { certs, at: now() };
        failure = undefined;
        return certs;
      },
      (error: unknown) => {
        failure = { error, at: now() };
        const certs = usable();
        if (certs) {
          logThrottled('auth-certificates-stale', 60_000, () => log.warn('auth could not refresh Google certificates; using the last ones fetched', {
            error: error instanceof Error ? error.message : String(error), age_s: Math.round((now() - good!.at) / 1000),
          }));
          return certs;
        }
        throw new CertificatesUnavailable(Math.ceil(retryMs / 1000), error);
      },
    ).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

// The library's messages embed the token or its payload, so only a reason code leaves here.
function reasonOf(error: unknown): Exclude<IdTokenResult, { ok: true }>['reason'] {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Token used too late') || message.startsWith('Token used too early') || message.startsWith('Expiration time too far')) return 'expired';
  if (message.startsWith('Wrong recipient')) return 'audience';
  if (message.startsWith('Invalid issuer')) return 'issuer';
  if (message.startsWith('Invalid token signature') || message.startsWith('No pem found')) return 'signature';
  return 'malformed';
}

export function createIdTokenVerifier(options: {
  audience: string;
  /** Emails (or numeric account ids, `sub`) allowed to call; compared case-insensitively. */
  allowedPrincipals: string[];
  certificates: CertificateSource;
}): IdTokenVerifier {
  const allowed = new Set(options.allowedPrincipals.map((p) => p.toLowerCase()));
  const verifier = oauthClient();
  return {
    async verify(token) {
      // Fetching certificates can fail for reasons that are ours, not the caller's: let it throw.
      const certs = await options.certificates();
      let payload;
      try {
        payload = (await (await verifier()).verifySignedJwtWithCertsAsync(token, certs, options.audience, GOOGLE_ISSUERS)).getPayload();
      } catch (error) {
        return { ok: false, reason: reasonOf(error) };
      }
      const email = payload?.email?.toLowerCase();
      if (email && payload!.email_verified === false) return { ok: false, reason: 'unverified_email' };
      if (email && allowed.has(email)) return { ok: true, name: email };
      if (payload?.sub && allowed.has(payload.sub)) return { ok: true, name: email ?? payload.sub };
      return { ok: false, reason: 'not_allowed' };
    },
  };
}
