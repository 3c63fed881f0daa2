// What a caller presented: `x-api-key`, and/or `Authorization: Bearer <key or ID token>`.
import type { IncomingHttpHeaders } from 'node:http';

export interface Credentials {
  apiKey?: string;
  bearer?: string;
}

/** Google ID tokens are JWTs (three base64url segments); the keys this gateway issues are hex. */
export const looksLikeJwt = (value: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() || undefined;

export function readCredentials(headers: IncomingHttpHeaders): Credentials {
  const apiKey = first(headers['x-api-key']);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(first(headers.authorization) ?? '');
  return { ...(apiKey ? { apiKey } : {}), ...(match ? { bearer: match[1]! } : {}) };
}
