// OpenAI's error shape, {error: {message, type, param, code}}, for the OpenAI-compatible route.
// SDKs pick their exception class from the HTTP status; `code` carries the gateway's error type
// unless OpenAI has a well-known code for the case (model_not_found, rate_limit_exceeded).
import { GatewayError, type ErrorType } from '../errors.js';

export interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const openaiTypeOf: Partial<Record<ErrorType, string>> = {
  unauthenticated: 'authentication_error',
  forbidden: 'permission_error',
  overloaded: 'rate_limit_error',
  rate_limited: 'rate_limit_error',
  upstream: 'server_error',
  upstream_timeout: 'server_error',
  internal: 'server_error',
};

const openaiCodeOf: Partial<Record<ErrorType, string>> = {
  overloaded: 'rate_limit_exceeded',
  rate_limited: 'rate_limit_exceeded',
};

export function formatOpenAIError(error: GatewayError): OpenAIError {
  const code = typeof error.detail?.code === 'string' ? error.detail.code : openaiCodeOf[error.type] ?? error.type;
  return {
    error: {
      message: error.message,
      type: openaiTypeOf[error.type] ?? 'invalid_request_error',
      param: error.field ?? null,
      code,
    },
  };
}

/**
 * The pipeline names texts as the native API does (`inputs[3]`); on this route the parameter
 * is `input`, or `input[3]` when it was an array.
 */
export function withOpenAIParam(err: unknown, single: boolean): unknown {
  if (!(err instanceof GatewayError) || !err.field?.startsWith('inputs')) return err;
  const field = err.field.replace(/^inputs(\[\d+\])?/, (_m, index: string | undefined) => (single || !index ? 'input' : `input${index}`));
  return new GatewayError(err.kind, err.message.replaceAll(err.field, field), {
    field, retryAfterSeconds: err.retryAfterSeconds, detail: err.detail, cause: err,
  });
}
