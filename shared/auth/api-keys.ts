// API keys are configured as named sha256 hashes (API_KEYS), so the deployment never holds a
// key itself. The presented key is hashed and compared with every configured hash in constant
// time, without stopping at a match, so timing reveals neither which key nor how much matched.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ApiKeyVerifier {
  /** The key's configured name, or null when no configured key matches. */
  match(key: string): string | null;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function createApiKeyVerifier(keys: { name: string; sha256: string }[]): ApiKeyVerifier {
  const hashes = keys.map((key) => ({ name: key.name, hash: Buffer.from(key.sha256, 'hex') }));
  return {
    match(key) {
      const presented = createHash('sha256').update(key, 'utf8').digest();
      let found: string | null = null;
      for (const { name, hash } of hashes) {
        if (timingSafeEqual(presented, hash) && found === null) found = name;
      }
      return found;
    },
  };
}
