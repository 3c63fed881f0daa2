// The one structured line per HTTP request, in Cloud Logging's shape: severity, httpRequest,
// trace and span, and the gateway's own fields (log-fields.ts). Facts about the work (model,
// provider, fallback, counts) are collected while the request runs and written when it ends.
// Never input text, keys or tokens: only names, counts and classes.
import { log } from '../log.js';
import { CLOUD_LOGGING, EVENT, FIELD, HTTP_REQUEST } from './log-fields.js';
import { traceFields, type TraceContext } from './trace.js';

/** What the work of a request found out, filled in by the pipeline as it goes. */
export interface RequestFacts {
  model?: string;
  provider?: string;
  /** The kind only (rate_limited, unavailable, ...): a metric label must have few values. */
  fallbackReason?: string;
  upstreamFailure?: string;
  texts?: number;
  cachedTexts?: number;
  tokens?: number;
  truncated?: number;
  rateLimit?: 'requests' | 'tokens';
}

interface OutcomeLike {
  model: string;
  provider: string;
  fallback: { used: boolean; reason?: string };
  items: { truncated: boolean }[];
  usage: { tokens: number; cached: number };
}

/** "rate_limited: RESOURCE_EXHAUSTED: Quota ..." -> "rate_limited". */
export const reasonKind = (reason: string | undefined): string => (reason ?? 'used').split(':')[0]!.trim() || 'used';

export function recordOutcome(facts: RequestFacts, outcome: OutcomeLike): void {
  facts.model = outcome.model;
  facts.provider = outcome.provider;
  if (outcome.fallback.used) {
    // Vertex failed even though the caller got vectors: counted with the failures that reached the caller.
    facts.fallbackReason = reasonKind(outcome.fallback.reason);
    facts.upstreamFailure = facts.fallbackReason;
  }
  facts.texts = outcome.items.length;
  facts.cachedTexts = outcome.usage.cached;
  facts.tokens = outcome.usage.tokens;
  facts.truncated = outcome.items.filter((item) => item.truncated).length;
}

export interface RequestLine {
  route: string;
  method: string;
  /** Path only: a query string may carry secrets. */
  path: string;
  status: number;
  latencyMs: number;
  requestSize?: number;
  responseSize?: number;
  userAgent?: string;
  caller?: string;
  errorType?: string;
  /** Our own fault (an internal error), as opposed to an upstream's or the caller's. */
  internal?: boolean;
  trace: TraceContext | null;
  project: string | null;
  facts: RequestFacts;
}

/** Status logged for a request whose caller left before the answer (nginx's convention). */
export const CALLER_GONE_STATUS = 499;

export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

const defined = (entries: [string, unknown][]) => Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== ''));

/** The line's fields besides severity, message and time. */
export function requestLineFields(line: RequestLine): Record<string, unknown> {
  const { facts } = line;
  return {
    [CLOUD_LOGGING.httpRequest]: defined([
      [HTTP_REQUEST.method, line.method],
      [HTTP_REQUEST.url, line.path],
      [HTTP_REQUEST.status, line.status],
      [HTTP_REQUEST.latency, `${(line.latencyMs / 1000).toFixed(6)}s`],
      // int64 fields travel as strings in LogEntry JSON.
      [HTTP_REQUEST.requestSize, line.requestSize === undefined ? undefined : String(line.requestSize)],
      [HTTP_REQUEST.responseSize, line.responseSize === undefined ? undefined : String(line.responseSize)],
      [HTTP_REQUEST.userAgent, line.userAgent],
    ]),
    ...traceFields(line.trace, line.project),
    ...defined([
      [FIELD.event, EVENT.request],
      [FIELD.route, line.route],
      [FIELD.caller, line.caller],
      [FIELD.statusClass, statusClass(line.status)],
      [FIELD.latencyMs, Math.round(line.latencyMs * 1000) / 1000],
      [FIELD.model, facts.model],
      [FIELD.provider, facts.provider],
      [FIELD.fallbackReason, facts.fallbackReason],
      [FIELD.upstreamFailure, facts.upstreamFailure],
      [FIELD.texts, facts.texts],
      [FIELD.cachedTexts, facts.cachedTexts],
      [FIELD.tokens, facts.tokens],
      [FIELD.truncated, facts.truncated],
      [FIELD.errorType, line.errorType],
      [FIELD.rateLimit, facts.rateLimit],
    ]),
  };
}

/** The human-readable summary; queries and metrics select lines by `event`, not by this. */
export function requestMessage(line: Pick<RequestLine, 'status' | 'errorType'>): string {
  if (line.status === CALLER_GONE_STATUS) return 'caller went away';
  return line.errorType ? 'request failed' : 'request';
}

export function writeRequestLine(line: RequestLine): void {
  // ERROR is for our own faults; an upstream or capacity 5xx is a warning per request (its cause
  // is logged, throttled, where it is detected); a caller that left is not a failure at all.
  const level = line.internal ? 'error' : line.status >= 500 && line.status !== CALLER_GONE_STATUS ? 'warn' : 'info';
  log[level](requestMessage(line), requestLineFields(line));
}
