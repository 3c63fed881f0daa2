import { describe, expect, it } from 'vitest';
import { parseCloudTraceContext, parseTraceparent, traceFields, traceFromHeaders } from '../../shared/observability/trace.js';

describe('trace headers', () => {
  it.each([
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true }],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00', { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: false }],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', null],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', null],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', null],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', null],
  ])('traceparent %s', (value, expected) => {
    expect(parseTraceparent(value)).toEqual(expected);
  });

  it.each([
    ['105445aa7843bc8bf206b12000100000/1;o=1', { traceId: '105445aa7843bc8bf206b12000100000', spanId: '0000000000000001', sampled: true }],
    ['105445AA7843BC8BF206B12000100000/18446744073709551615;o=0', { traceId: '105445aa7843bc8bf206b12000100000', spanId: 'ffffffffffffffff', sampled: false }],
    ['105445aa7843bc8bf206b12000100000', { traceId: '105445aa7843bc8bf206b12000100000' }],
    // Past 2^64 - 1 the span id is dropped, the trace kept.
    ['105445aa7843bc8bf206b12000100000/18446744073709551616', { traceId: '105445aa7843bc8bf206b12000100000' }],
    ['not-a-trace/1;o=1', null],
  ])('x-cloud-trace-context %s', (value, expected) => {
    expect(parseCloudTraceContext(value)).toEqual(expected);
  });

  it('prefers traceparent, then x-cloud-trace-context', () => {
    expect(traceFromHeaders({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1' })?.traceId)
      .toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceFromHeaders({ traceparent: 'garbage', 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1' })?.traceId)
      .toBe('105445aa7843bc8bf206b12000100000');
    expect(traceFromHeaders({})).toBeNull();
  });

  it('needs the project to name the trace', () => {
    const trace = { traceId: 'abc', spanId: '0000000000000001', sampled: true };
    expect(traceFields(trace, null)).toEqual({});
    expect(traceFields(trace, 'p')).toEqual({
      'logging.googleapis.com/trace': 'projects/p/traces/abc',
      'logging.googleapis.com/spanId': '0000000000000001',
      'logging.googleapis.com/trace_sampled': true,
    });
  });
});
