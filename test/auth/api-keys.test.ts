import { describe, expect, it } from 'vitest';
import { createApiKeyVerifier, sha256Hex } from '../../shared/auth/api-keys.js';

describe('api keys', () => {
  const verifier = createApiKeyVerifier([
    { name: 'ci', sha256: sha256Hex('key-one') },
    { name: 'batch', sha256: sha256Hex('key-two') },
  ]);

  it('names the key that matches', () => {
    expect(verifier.match('key-one')).toBe('ci');
    expect(verifier.match('key-two')).toBe('batch');
  });

  it.each([
    ['another key', 'key-three'],
    ['a prefix', 'key-'],
    ['the key with a space', 'key-one '],
    ['the hash itself', sha256Hex('key-one')],
    ['an empty string', ''],
  ])('matches nothing for %s', (_name, key) => {
    expect(verifier.match(key)).toBeNull();
  });

  it('hashes as `printf %s "$KEY" | sha256sum` does', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
