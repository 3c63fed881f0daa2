// Turns whatever the client library threw into one classified error. The class decides three
// things at once: whether to retry, whether the breaker counts it, and whether a fallback may
// answer instead (never on a 4xx: the caller's request was wrong, another model will not fix it).
import { GatewayError, type ErrorKind, type FallbackCause } from '../../errors.js';

export type VertexFailure =
  | 'rate_limited' // 429 / RESOURCE_EXHAUSTED
  | 'unavailable' // 503 / UNAVAILABLE, connection refused
  | 'deadline' // DEADLINE_EXCEEDED or our own timer
  | 'server_error' // other 5xx
  | 'breaker_open'
  | 'limit_exceeded' // a 400 saying the call had too many tokens or instances: split and retry
  | 'invalid' // other INVALID_ARGUMENT / NOT_FOUND: the caller's request
  | 'refused'; // 401/403/412...: our deployment's problem, not the caller's, and not transient

const grpcNames: Record<number, string> = {
  1: 'CANCELLED', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 10: 'ABORTED',
  12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE', 15: 'DATA_LOSS', 16: 'UNAUTHENTICATED',
};

const LIMIT_MESSAGES = [/input token count is \d+ but the model supports up to \d+/i, /instance\(s\) is allowed per prediction/i];

export class VertexError extends GatewayError {
  constructor(
    readonly failure: VertexFailure,
    /** Vertex's own words (status name and message), safe to show: it never echoes input text. */
    readonly reason: string,
    kind: ErrorKind,
    options: { field?: string; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(kind, `Vertex AI: ${reason}`, options);
  }

  /** Transient: worth another attempt, counted by the breaker, and a fallback may answer. */
  get transient(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'unavailable' || this.failure === 'deadline' || this.failure === 'server_error';
  }

  get retryable(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'unavailable' || this.failure === 'deadline';
  }

  override get fallbackCause(): FallbackCause | undefined {
    return this.transient || this.failure === 'breaker_open' ? { failure: this.failure, reason: this.reason } : undefined;
  }
}

export function breakerOpen(retryAfterMs: number): VertexError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new VertexError('breaker_open', `circuit breaker open after repeated failures; next probe in ${seconds} s`, 'upstream',
    { retryAfterSeconds: seconds });
}

const codeByName: Record<string, number> = Object.fromEntries(Object.entries(grpcNames).map(([code, name]) => [name, Number(code)]));
const codeByHttp: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 412: 9, 429: 8, 499: 1, 500: 13, 501: 12, 503: 14, 504: 4 };

/**
 * Under the REST transport the auth client's fetch throws an HTTP error whose message is
 * Google's JSON error body; read the status name and message back out of it.
 */
function fromHttpError(status: number, message: string): { code: number; message: string } {
  try {
    const body = JSON.parse(message) as { error?: { message?: string; status?: string } };
    const name = body.error?.status;
    return { code: (name ? codeByName[name] : undefined) ?? codeByHttp[status] ?? (status >= 500 ? 2 : 3), message: body.error?.message ?? message };
  } catch {
    return { code: codeByHttp[status] ?? (status >= 500 ? 2 : 3), message };
  }
}

export function classify(err: unknown): VertexError {
  if (err instanceof VertexError) return err;
  const e = err as { code?: unknown; details?: unknown; message?: unknown; status?: unknown; response?: { status?: unknown } };
  let code = typeof e?.code === 'number' ? e.code : undefined;
  let raw = typeof e?.details === 'string' && e.details ? e.details : typeof e?.message === 'string' ? e.message : String(err);
  const httpStatus = typeof e?.status === 'number' ? e.status : typeof e?.response?.status === 'number' ? e.response.status : code !== undefined && code >= 100 ? code : undefined;
  if (httpStatus !== undefined && (code === undefined || code >= 100)) ({ code, message: raw } = fromHttpError(httpStatus, raw));
  // gRPC messages arrive as "8 RESOURCE_EXHAUSTED: Quota exceeded ..."; keep one status prefix.
  const message = raw.replace(/^\d+ [A-Z_]+: /, '');
  const reason = (name: string) => `${name}: ${message}`;
  const options = { cause: err };
  switch (code) {
    case 8: return new VertexError('rate_limited', reason('RESOURCE_EXHAUSTED'), 'upstream', options);
    case 14: return new VertexError('unavailable', reason('UNAVAILABLE'), 'upstream', options);
    case 4: return new VertexError('deadline', reason('DEADLINE_EXCEEDED'), 'upstream_timeout', options);
    case 3:
      if (LIMIT_MESSAGES.some((re) => re.test(message))) return new VertexError('limit_exceeded', reason('INVALID_ARGUMENT'), 'invalid_request', options);
      return new VertexError('invalid', reason('INVALID_ARGUMENT'), 'invalid_request',
        { ...options, ...(/dimension/i.test(message) ? { field: 'dimensions' } : {}) });
    case 5: return new VertexError('invalid', reason('NOT_FOUND'), 'invalid_request', { ...options, field: 'model' });
    case 2: case 10: case 13: case 15:
      return new VertexError('server_error', reason(grpcNames[code]!), 'upstream_failed', options);
    case 7: case 9: case 12: case 16:
      return new VertexError('refused', reason(grpcNames[code]!), 'upstream_failed', options);
    default:
      // No gRPC code: a network failure under the REST transport (refused, reset).
      return new VertexError('unavailable', reason('UNAVAILABLE'), 'upstream', options);
  }
}
