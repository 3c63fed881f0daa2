import { describe, expect, it } from 'vitest';
import { classify } from '../../../shared/providers/vertex/errors.js';

const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} X: ${details}`), { code, details });
// What the REST transport throws: the auth client's fetch error, Google's JSON body as its message.
const httpError = (status: number, name: string, message: string) =>
  Object.assign(new Error(JSON.stringify({ error: { code: status, message, status: name } })), { code: status, status });

describe('classify', () => {
  it.each([
    ['gRPC 8', grpcError(8, 'Quota exceeded'), 'rate_limited', 503, true, true],
    ['HTTP 429', httpError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'), 'rate_limited', 503, true, true],
    ['gRPC 14', grpcError(14, 'down'), 'unavailable', 503, true, true],
    ['HTTP 503', httpError(503, 'UNAVAILABLE', 'down'), 'unavailable', 503, true, true],
    ['gRPC 4', grpcError(4, 'slow'), 'deadline', 504, true, true],
    ['gRPC 13', grpcError(13, 'boom'), 'server_error', 502, false, true],
    ['HTTP 500', httpError(500, 'INTERNAL', 'boom'), 'server_error', 502, false, true],
    ['token limit', grpcError(3, 'Unable to submit request because the input token count is 25000 but the model supports up to 20000.'), 'limit_exceeded', 400, false, false],
    ['instance limit', httpError(400, 'INVALID_ARGUMENT', '250 instance(s) is allowed per prediction. Actual: 300'), 'limit_exceeded', 400, false, false],
    ['other 400', grpcError(3, 'bad'), 'invalid', 400, false, false],
    ['404 model', httpError(404, 'NOT_FOUND', 'Publisher Model not found'), 'invalid', 400, false, false],
    ['403', httpError(403, 'PERMISSION_DENIED', 'no'), 'refused', 502, false, false],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unavailable', 503, true, true],
  ] as const)('%s', (_name, error, failure, status, retryable, mayFallBack) => {
    const classified = classify(error);
    expect(classified).toMatchObject({ failure, status, retryable, mayFallBack });
  });

  it('keeps Vertex\'s words, one status name in front', () => {
    expect(classify(grpcError(8, 'Quota exceeded for x')).reason).toBe('RESOURCE_EXHAUSTED: Quota exceeded for x');
    expect(classify(httpError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for x')).reason).toBe('RESOURCE_EXHAUSTED: Quota exceeded for x');
  });

  it('names dimensions when Vertex refuses the output size', () => {
    expect(classify(grpcError(3, 'Invalid value for outputDimensionality: 9999')).field).toBe('dimensions');
  });
});
