import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../shared/errors.js';
import { formatOpenAIError, withOpenAIParam } from '../../shared/openai/errors.js';
import { modelNotFound } from '../../shared/openai/models.js';

describe('formatOpenAIError', () => {
  it.each([
    [new GatewayError('invalid_request', 'input is empty', { field: 'input' }), 'invalid_request_error', 'input', 'invalid_request'],
    [modelNotFound('gpt-9'), 'invalid_request_error', 'model', 'model_not_found'],
    [new GatewayError('unauthenticated', 'Missing or invalid credentials'), 'authentication_error', null, 'unauthenticated'],
    [new GatewayError('forbidden', 'no'), 'permission_error', null, 'forbidden'],
    [new GatewayError('overloaded', 'busy', { retryAfterSeconds: 1 }), 'rate_limit_error', null, 'rate_limit_exceeded'],
    [new GatewayError('upstream', 'Vertex failed'), 'server_error', null, 'upstream'],
    [new GatewayError('internal', 'Internal error'), 'server_error', null, 'internal'],
  ])('maps %s', (error, type, param, code) => {
    expect(formatOpenAIError(error)).toEqual({ error: { message: error.message, type, param, code } });
  });
});

describe('withOpenAIParam', () => {
  const fromPipeline = new GatewayError('invalid_request', 'inputs[2] has 600 tokens', { field: 'inputs[2]' });

  it('renames the native inputs[i] to input[i] for an array', () => {
    const renamed = withOpenAIParam(fromPipeline, false) as GatewayError;
    expect(renamed).toMatchObject({ field: 'input[2]', message: 'input[2] has 600 tokens', status: 400 });
  });

  it('renames it to input for a single string', () => {
    expect(withOpenAIParam(new GatewayError('invalid_request', 'inputs[0] is bad', { field: 'inputs[0]' }), true)).toMatchObject({ field: 'input', message: 'input is bad' });
  });

  it('leaves other errors alone', () => {
    const other = new GatewayError('invalid_request', 'dimensions', { field: 'dimensions' });
    expect(withOpenAIParam(other, false)).toBe(other);
    const plain = new Error('boom');
    expect(withOpenAIParam(plain, false)).toBe(plain);
  });
});
