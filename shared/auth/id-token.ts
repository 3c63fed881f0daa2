// Google ID tokens: signature (against Google's certificates), expiry, issuer and audience are
// checked by google-auth-library; then the identity must be on the allow list. The certificate
// source is passed in so tests sign their own tokens and nothing reaches the network.
import type { Certificates } from 'google-auth-library';

export type CertificateSource = () => Promise<Certificates>;

export type IdTokenResult =
  | { ok: true; name: string }
  | { ok: false; reason: 'not_allowed' | 'expired' | 'audience' | 'issuer' | 'signature' | 'malformed' | 'unverified_email' };

export interface IdTokenVerifier {
  verify(token: string): Promise<IdTokenResult>;
}

export const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

/** Google's published signing certificates, fetched and cached (per their max-age) by the library. */
export function googleCertificates(): CertificateSource {
  let client: Promise<import('google-auth-library').OAuth2Client> | undefined;
  return async () => {
    client ??= import('google-auth-library').then(({ OAuth2Client }) => new OAuth2Client());
    return (await (await client).getFederatedSignonCertsAsync()).certs;
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
  let verifier: Promise<import('google-auth-library').OAuth2Client> | undefined;
  return {
    async verify(token) {
      // Fetching certificates can fail for reasons that are ours, not the caller's: let it throw.
      const certs = await options.certificates();
      verifier ??= import('google-auth-library').then(({ OAuth2Client }) => new OAuth2Client());
      let payload;
      try {
        payload = (await (await verifier).verifySignedJwtWithCertsAsync(token, certs, options.audience, GOOGLE_ISSUERS)).getPayload();
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
