// One error type for the whole gateway; one table maps its `type` to an HTTP status.
export type ErrorType =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'too_large'
  | 'unsupported_media_type'
  | 'overloaded'
  | 'rate_limited'
  | 'upstream'
  | 'upstream_timeout'
  | 'internal';

export const statusOf: Record<ErrorType, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  too_large: 413,
  unsupported_media_type: 415,
  overloaded: 429,
  rate_limited: 429,
  upstream: 503,
  upstream_timeout: 504,
  internal: 500,
};

export interface GatewayErrorOptions {
  field?: string;
  status?: number;
  retryAfterSeconds?: number;
  /** Extra machine-readable detail, e.g. the supported dimensions. */
  detail?: Record<string, unknown>;
  cause?: unknown;
}

/** What failed and why, when another model may answer instead (`fallback.reason` in the answer). */
export interface FallbackCause {
  /** Short kind of failure (rate_limited, unavailable, deadline...), for logs. */
  failure: string;
  reason: string;
}

export class GatewayError extends Error {
  readonly field?: string;
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly detail?: Record<string, unknown>;

  constructor(readonly type: ErrorType, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.field = options.field;
    this.status = options.status ?? statusOf[type];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.detail = options.detail;
  }

  /**
   * Set when another model may answer in this error's place: the provider could not answer
   * (overloaded, down, too slow), not "the request is wrong". A provider's error says so; no
   * other error does. Fallback decides on this alone, whatever the provider.
   */
  get fallbackCause(): FallbackCause | undefined {
    return undefined;
  }

  get mayFallBack(): boolean {
    return this.fallbackCause !== undefined;
  }

  toJSON(): { error: { type: ErrorType; message: string; field?: string } & Record<string, unknown> } {
    return { error: { type: this.type, message: this.message, ...(this.field ? { field: this.field } : {}), ...this.detail } };
  }
}

export const invalid = (field: string, message: string, detail?: Record<string, unknown>) =>
  new GatewayError('invalid_request', message, { field, detail });

export const tooLarge = (field: string, message: string) => new GatewayError('too_large', message, { field });
