// Vertex's `:predict` response shape, and Google's error shape, for the Vertex-compatible route.
// A Vertex client reads `predictions` and `metadata`; the gateway also fills PredictResponse's
// `model` field and `metadata.gateway` so a client that looks can tell which model answered.
import type { EmbedOutcome } from '../embedding/service.js';
import type { EmbedRequest } from '../embedding/request.js';
import type { ErrorType, GatewayError } from '../errors.js';

export function vertexResponse(outcome: EmbedOutcome, request: EmbedRequest) {
  // Only texts Vertex itself embedded are billed by Google: not fallback or cached ones.
  const billable = outcome.provider === 'vertex' && !outcome.fallback.used
    ? outcome.items.reduce((sum, item, i) => sum + (item.cached ? 0 : request.items[i]!.text.replace(/\s/g, '').length), 0)
    : 0;
  return {
    predictions: outcome.items.map((item) => ({
      embeddings: { values: Array.from(item.values), statistics: { token_count: item.tokens, truncated: item.truncated } },
    })),
    metadata: {
      billableCharacterCount: billable,
      gateway: { model: outcome.model, provider: outcome.provider, fallback: outcome.fallback, cached: outcome.usage.cached },
    },
    model: outcome.model,
  };
}

const googleStatus: Record<ErrorType, string> = {
  invalid_request: 'INVALID_ARGUMENT',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  method_not_allowed: 'UNIMPLEMENTED',
  too_large: 'INVALID_ARGUMENT',
  unsupported_media_type: 'INVALID_ARGUMENT',
  overloaded: 'RESOURCE_EXHAUSTED',
  rate_limited: 'RESOURCE_EXHAUSTED',
  upstream: 'UNAVAILABLE',
  upstream_timeout: 'DEADLINE_EXCEEDED',
  internal: 'INTERNAL',
};

/** `{"error": {"code", "message", "status"}}` as Google APIs answer, keeping the gateway's type and field. */
export function formatGoogleError(error: GatewayError) {
  const { message, ...own } = error.toJSON().error;
  return { error: { code: error.status, message, status: googleStatus[error.type], ...own } };
}
