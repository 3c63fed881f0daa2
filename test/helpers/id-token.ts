// Signs Google-style ID tokens with a key pair made here, and hands the verifier its public key
// as the "certificates": what Google's certificate endpoint would serve, without the network.
import { generateKeyPairSync, sign } from 'node:crypto';

export const GOOGLE_ISSUER = 'https://accounts.google.com';

export function tokenSigner(kid = 'test-kid') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    certificates: async () => ({ [kid]: pem }),
    sign(claims: Record<string, unknown>, options: { kid?: string } = {}): string {
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: GOOGLE_ISSUER, iat: now, exp: now + 3600, sub: '1234567890', email_verified: true, ...claims };
      const signed = `${b64url({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? kid })}.${b64url(payload)}`;
      return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), privateKey).toString('base64url')}`;
    },
  };
}
