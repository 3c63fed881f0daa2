// Calls to the gateway from the page, with the key from the page's key field, and the
// gateway's error shape turned into a sentence a person can act on.
export interface Fallback { used: boolean; reason?: string }

export interface Answer<T> {
  body: T;
  status: number;
  /** Milliseconds from sending to the parsed answer, as the page saw it. */
  latencyMs: number;
}

export class CallError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

interface ErrorBody { error?: { type?: string; message?: string; field?: string } }

const plainType: Record<string, string> = {
  invalid_request: 'The gateway could not use what was sent',
  unauthenticated: 'The gateway needs a valid API key: paste one in the API key field above',
  forbidden: 'This key or identity is not allowed to call the gateway',
  not_found: 'The gateway has no such route or model',
  method_not_allowed: 'The gateway does not take this kind of request here',
  too_large: 'That is more than the gateway accepts in one request',
  unsupported_media_type: 'The gateway expected JSON',
  overloaded: 'The gateway is busy right now; try again in a moment',
  rate_limited: 'Too many requests for this key; wait a moment',
  upstream: 'Vertex AI failed and falling back to the bundled model was not allowed',
  upstream_timeout: 'The gateway ran out of time',
  internal: 'The gateway hit an internal error',
};

/** One sentence from the error shape, naming the field when there is one. */
export function describeError(status: number, body: unknown): string {
  const error = (body as ErrorBody | undefined)?.error;
  if (!error || typeof error !== 'object') return `The gateway answered ${status} without an explanation.`;
  const lead = plainType[error.type ?? ''] ?? `The gateway answered ${status}`;
  const field = error.field ? ` (field: ${error.field})` : '';
  return `${lead}${field}. ${error.message ?? ''}`.trim();
}

export async function postJson<T>(url: string, body: unknown, apiKey: string): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers['x-api-key'] = apiKey;
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new CallError('Could not reach the gateway. Is it running, and is this page served by it?', null);
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    throw new CallError(`The gateway answered ${res.status} with something that is not JSON.`, res.status);
  }
  const latencyMs = performance.now() - started;
  if (!res.ok) throw new CallError(describeError(res.status, parsed), res.status);
  return { body: parsed as T, status: res.status, latencyMs };
}

/** Little-endian float32 bytes, as `encoding: "base64"` sends them. */
export function decodeVector(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}
