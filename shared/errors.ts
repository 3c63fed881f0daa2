// One error class for the whole gateway, and one table: an error's kind decides both its HTTP
// status and the `type` callers read in the one error shape.
/** The `type` of the one error shape `{"error": {"type", "message", "field"}}`. */
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

/**
 * Kinds of failure: every type, plus `upstream_failed`, an upstream that answered wrongly or
 * refused us for good (502), where `upstream` is one unavailable for now (503). Callers read
 * `upstream` for both; the status tells them whether a retry can help.
 */
export type ErrorKind = ErrorType | 'upstream_failed';

/** The one status table. */
export const errorKinds: Record<ErrorKind, { status: number; type: ErrorType }> = {
  invalid_request: { status: 400, type: 'invalid_request' },
  unauthenticated: { status: 401, type: 'unauthenticated' },
  forbidden: { status: 403, type: 'forbidden' },
  not_found: { status: 404, type: 'not_found' },
  method_not_allowed: { status: 405, type: 'method_not_allowed' },
  too_large: { status: 413, type: 'too_large' },
  unsupported_media_type: { status: 415, type: 'unsupported_media_type' },
  overloaded: { status: 429, type: 'overloaded' },
  rate_limited: { status: 429, type: 'rate_limited' },
  upstream: { status: 503, type: 'upstream' },
  upstream_failed: { status: 502, type: 'upstream' },
  upstream_timeout: { status: 504, type: 'upstream_timeout' },
  internal: { status: 500, type: 'internal' },
};

/** Every `type` callers can see. */
export const errorTypes: ErrorType[] = [...new Set(Object.values(errorKinds).map((k) => k.type))];

export interface GatewayErrorOptions {
  field?: string;
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
  readonly type: ErrorType;
  readonly field?: string;
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly detail?: Record<string, unknown>;

  constructor(readonly kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.type = errorKinds[kind].type;
    this.field = options.field;
    this.status = errorKinds[kind].status;
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
