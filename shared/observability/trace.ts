// Trace correlation for Cloud Logging: the trace and span of the request a line belongs to, read
// from W3C `traceparent` (preferred) or Google's `x-cloud-trace-context`, so the console groups
// the gateway's line under the request Cloud Run (or the caller) traced.
import type { IncomingHttpHeaders } from 'node:http';
import { CLOUD_LOGGING } from './log-fields.js';

export interface TraceContext {
  traceId: string;
  /** 16 lowercase hex digits, as Cloud Logging's spanId expects. */
  spanId?: string;
  sampled?: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const CLOUD_TRACE = /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?(?:;o=([01]))?$/;
const ZERO_TRACE = /^0+$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim();
}

export function parseTraceparent(value: string | undefined): TraceContext | null {
  const match = value ? TRACEPARENT.exec(value.toLowerCase()) : null;
  if (!match || match[1] === 'ff' || ZERO_TRACE.test(match[2]!) || ZERO_TRACE.test(match[3]!)) return null;
  return { traceId: match[2]!, spanId: match[3]!, sampled: (parseInt(match[4]!, 16) & 1) === 1 };
}

/** `TRACE_ID/SPAN_ID;o=1`, the span id in decimal. */
export function parseCloudTraceContext(value: string | undefined): TraceContext | null {
  const match = value ? CLOUD_TRACE.exec(value) : null;
  if (!match || ZERO_TRACE.test(match[1]!)) return null;
  const context: TraceContext = { traceId: match[1]!.toLowerCase() };
  if (match[2] !== undefined) {
    const span = BigInt(match[2]);
    if (span > 0n && span < 1n << 64n) context.spanId = span.toString(16).padStart(16, '0');
  }
  if (match[3] !== undefined) context.sampled = match[3] === '1';
  return context;
}

export function traceFromHeaders(headers: IncomingHttpHeaders): TraceContext | null {
  return parseTraceparent(header(headers, 'traceparent')) ?? parseCloudTraceContext(header(headers, 'x-cloud-trace-context'));
}

/** The LogEntry fields for a trace; the trace name needs the project, so without one there is none. */
export function traceFields(trace: TraceContext | null, project: string | null): Record<string, unknown> {
  if (!trace || !project) return {};
  return {
    [CLOUD_LOGGING.trace]: `projects/${project}/traces/${trace.traceId}`,
    ...(trace.spanId ? { [CLOUD_LOGGING.spanId]: trace.spanId } : {}),
    ...(trace.sampled !== undefined ? { [CLOUD_LOGGING.traceSampled]: trace.sampled } : {}),
  };
}
