// Decides who is calling from the credentials the configured modes accept. Every refusal says
// the same thing for the same status: which check failed is logged, never told to the caller.
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config.js';
import { GatewayError } from '../errors.js';
import { log, logThrottled } from '../log.js';
import { createApiKeyVerifier, type ApiKeyVerifier } from './api-keys.js';
import { readCredentials, looksLikeJwt } from './credentials.js';
import { cachedCertificates, CertificatesUnavailable, createIdTokenVerifier, googleCertificates, type CertificateSource, type IdTokenVerifier } from './id-token.js';
import type { Principal } from './principal.js';

export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders): Promise<Principal>;
}

export interface AuthenticatorDeps {
  /** Where Google's signing certificates come from; tests hand in their own. */
  certificates?: CertificateSource;
}

/** Sent with every 401: both keys and ID tokens travel as bearer tokens. */
export const WWW_AUTHENTICATE = 'Bearer realm="embedding-gateway"';

const unauthenticated = () => new GatewayError('unauthenticated', 'Missing or invalid credentials');
const forbidden = () => new GatewayError('forbidden', 'This caller is not allowed to use the gateway');

export function createAuthenticator(auth: Config['auth'], deps: AuthenticatorDeps = {}): Authenticator {
  const keys: ApiKeyVerifier | null = auth.modes.includes('api_key') ? createApiKeyVerifier(auth.apiKeys) : null;
  const idTokens: IdTokenVerifier | null = auth.modes.includes('google_id_token')
    ? createIdTokenVerifier({
      audience: auth.idTokenAudience!,
      allowedPrincipals: auth.allowedPrincipals,
      certificates: cachedCertificates(deps.certificates ?? googleCertificates(), { maxStaleMs: auth.certsMaxStaleMs, retryMs: auth.certsRetryMs }),
    })
    : null;

  return {
    async authenticate(headers) {
      if (!keys && !idTokens) return { kind: 'anonymous', name: 'anonymous' };
      const { apiKey, bearer } = readCredentials(headers);
      const bearerIsToken = bearer !== undefined && idTokens !== null && looksLikeJwt(bearer);
      const candidateKeys = keys ? [apiKey, bearerIsToken ? undefined : bearer].filter((k): k is string => k !== undefined) : [];
      if (candidateKeys.length === 0 && !bearerIsToken) {
        log.info('auth refused', { reason: 'missing' });
        throw unauthenticated();
      }
      for (const key of candidateKeys) {
        const name = keys!.match(key);
        if (name !== null) return { kind: 'api_key', name };
      }
      if (bearerIsToken) {
        const result = await idTokens!.verify(bearer!).catch((error: unknown) => {
          // An outage, not the caller's fault: logged once a minute, not per request.
          logThrottled('auth-certificates', 60_000, () => log.error('auth could not fetch Google certificates; ID tokens get 503 until it can', {
            error: error instanceof Error ? error.message : String(error),
          }));
          const retryAfterSeconds = error instanceof CertificatesUnavailable ? Math.max(1, error.retryAfterSeconds) : 5;
          throw new GatewayError('upstream', 'Credentials cannot be checked right now; retry later', { retryAfterSeconds });
        });
        if (result.ok) return { kind: 'google', name: result.name };
        log.info('auth refused', { reason: `id_token_${result.reason}` });
        if (result.reason === 'not_allowed' || result.reason === 'unverified_email') throw forbidden();
        throw unauthenticated();
      }
      log.info('auth refused', { reason: 'unknown_key' });
      throw unauthenticated();
    },
  };
}
