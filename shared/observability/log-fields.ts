// The names of the fields in the gateway's request and batch-shard log lines: a stable contract.
// Cloud Logging reads the special ones (severity, httpRequest, trace, spanId); Terraform's
// log-based metrics, dashboard and ledger read the rest as jsonPayload.<name>. This file is the
// one place they are spelled: the logger writes them from here, test/terraform checks every
// metric filter against them, and the README lists them.

/** Keys Cloud Logging lifts out of a JSON line into the LogEntry itself. */
export const CLOUD_LOGGING = {
  severity: 'severity',
  message: 'message',
  time: 'time',
  httpRequest: 'httpRequest',
  trace: 'logging.googleapis.com/trace',
  spanId: 'logging.googleapis.com/spanId',
  traceSampled: 'logging.googleapis.com/trace_sampled',
} as const;

/** The httpRequest fields the request line carries (Cloud Logging's HttpRequest names). */
export const HTTP_REQUEST = {
  method: 'requestMethod',
  url: 'requestUrl',
  status: 'status',
  latency: 'latency',
  requestSize: 'requestSize',
  responseSize: 'responseSize',
  userAgent: 'userAgent',
} as const;

/** What a line is: metrics select lines by this field first. */
export const EVENT = {
  request: 'request',
  batchShard: 'batch_shard',
  /** A Vertex circuit breaker opened (WARNING): the fallback answers until its probe succeeds. */
  breakerOpen: 'breaker_open',
} as const;

/** The gateway's own fields (jsonPayload.<name>). */
export const FIELD = {
  event: 'event',
  route: 'route',
  /** The API key's configured name or the Google principal's email; never the key. */
  caller: 'caller',
  statusClass: 'status_class',
  latencyMs: 'latency_ms',
  model: 'model',
  provider: 'provider',
  /** Why the fallback answered: rate_limited, unavailable, server_error, deadline, breaker_open. */
  fallbackReason: 'fallback_reason',
  /** The Vertex failure behind the answer, fallback or error (rate_limited, breaker_open, ...). */
  upstreamFailure: 'upstream_failure',
  texts: 'texts',
  cachedTexts: 'cached_texts',
  tokens: 'tokens',
  truncated: 'truncated',
  errorType: 'error_type',
  /** Which per-caller limit refused the request: requests or tokens. */
  rateLimit: 'rate_limit',
  // Batch shard lines.
  jobId: 'job_id',
  shard: 'shard',
  shards: 'shards',
  items: 'items',
  errors: 'errors',
  models: 'models',
  fallbackUsed: 'fallback_used',
  // Breaker lines.
  /** Transient Vertex failures in a row when the breaker opened. */
  consecutiveFailures: 'consecutive_failures',
  /** Milliseconds until the breaker lets a probe through. */
  retryInMs: 'retry_in_ms',
} as const;

export type FieldName = (typeof FIELD)[keyof typeof FIELD];

/** Every jsonPayload field name the gateway writes on request and batch-shard lines. */
export const payloadFieldNames: readonly string[] = Object.values(FIELD);
