import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { checkModel, checkRoute, policyFor } from '../../shared/limits/policy.js';

describe('CALLER_LIMITS', () => {
  it('reads limits and permissions per caller, "*" for the rest', () => {
    const { rateLimits } = loadConfig({ CALLER_LIMITS: '{"indexer": {"rpm": 600, "tpm": 200000, "routes": ["embed"], "models": ["local"]}, "*": {"rpm": 60}}' });
    expect(policyFor(rateLimits.callers, 'indexer')).toEqual({ rpm: 600, tpm: 200000, routes: ['embed'], models: ['local'] });
    expect(policyFor(rateLimits.callers, 'someone')).toEqual({ rpm: 60 });
    expect(rateLimits.store).toBe('memory');
    expect(loadConfig({ CACHE_STORE: 'redis' }).rateLimits.store).toBe('redis');
    expect(rateLimits).toMatchObject({ leaseMs: 1000, leaseMax: 100 });
    expect(loadConfig({ LIMIT_LEASE_MS: '0', LIMIT_LEASE_MAX: '16' }).rateLimits).toMatchObject({ leaseMs: 0, leaseMax: 16 });
    expect(() => loadConfig({ LIMIT_LEASE_MAX: '1' })).toThrow(/LIMIT_LEASE_MAX/);
  });

  it.each([
    ['not JSON', '{rpm: 1}', 'expected JSON'],
    ['a list', '[]', 'keyed by caller name'],
    ['an unknown setting', '{"a": {"rps": 1}}', 'a.rps: unknown setting'],
    ['a zero limit', '{"a": {"rpm": 0}}', 'a.rpm: expected a positive whole number'],
    ['a fractional limit', '{"a": {"tpm": 1.5}}', 'a.tpm: expected a positive whole number'],
    ['an unknown route', '{"a": {"routes": ["embedd"]}}', 'a.routes: unknown function embedd'],
    ['the batch function as a route', '{"a": {"routes": ["embedBatch"]}}', 'unknown function embedBatch'],
    ['models not a list', '{"a": {"models": "local"}}', 'a.models: expected a list of names'],
  ])('refuses %s', (_name, value, message) => {
    expect(() => loadConfig({ CALLER_LIMITS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CALLER_LIMITS: value })).toThrow(message);
  });
});

describe('permissions', () => {
  it('refuses a route not listed, with 403', () => {
    expect(() => checkRoute({ routes: ['embed'] }, 'embed')).not.toThrow();
    expect(() => checkRoute({ routes: ['embed'] }, 'similarity')).toThrow(expect.objectContaining({ type: 'forbidden', status: 403 }));
    expect(() => checkRoute(undefined, 'similarity')).not.toThrow();
  });

  it('matches a model by selector, provider or id with or without revision', () => {
    const local = { selector: 'auto', provider: 'local', model: 'bge-small-zh-v1.5@q8-abc' };
    const vertex = { selector: 'auto', provider: 'vertex', model: 'text-multilingual-embedding-002' };
    for (const allowed of ['local', 'bge-small-zh-v1.5', 'bge-small-zh-v1.5@q8-abc', 'auto']) expect(() => checkModel({ models: [allowed] }, local)).not.toThrow();
    expect(() => checkModel({ models: ['local'] }, vertex)).toThrow(expect.objectContaining({ type: 'forbidden', field: 'model' }));
    expect(() => checkModel({ models: ['vertex'] }, vertex)).not.toThrow();
  });
});
