import { describe, expect, it } from 'vitest';
import { bodyLimit, ConfigError, loadConfig } from '../shared/config.js';

describe('loadConfig', () => {
  it('runs on the bundled model alone when no project is configured', () => {
    const config = loadConfig({});
    expect(config.vertex.project).toBeNull();
    expect(config.local.modelDir).toMatch(/models\/bge-small-zh-v1\.5$/);
    expect(config.port).toBe(8080);
  });

  it.each([
    ['PORT', 'eighty'],
    ['MAX_INPUTS', '0'],
    ['LOCAL_COALESCE', 'maybe'],
    ['CACHE_STORE', 'memcached'],
    ['DEFAULT_TASK', 'SUMMARIZE'],
    ['API_KEYS', 'nohash'],
    ['VERTEX_MODEL_LIMITS', '{"m": {"maxInstances": 3}}'],
    ['AUTH_MODE', 'password'],
    ['ROUTE_URLS', 'embed=https://x'],
    ['ROUTE_URLS', '{"embed": "ftp://host/embed"}'],
    ['MAX_BODY_BYTES_BY_ROUTE', 'chunk'],
    ['MAX_BODY_BYTES_BY_ROUTE', 'nosuchfunction=2048'],
    ['MAX_BODY_BYTES_BY_ROUTE', 'chunk=10'],
  ])('stops on a bad %s, naming it', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}:`));
  });

  it('reads ROUTE_URLS, where the pages send calls when the functions are deployed apart', () => {
    expect(loadConfig({}).web.routeUrls).toEqual({});
    const urls = { embed: 'https://us-central1-p.cloudfunctions.net/gw-embed', chunk: '/chunk' };
    expect(loadConfig({ ROUTE_URLS: JSON.stringify(urls) }).web.routeUrls).toEqual(urls);
  });

  it('refuses to serve without auth in production unless told to', () => {
    expect(() => loadConfig({ GATEWAY_ENV: 'production' })).toThrow(/AUTH_MODE/);
    expect(loadConfig({ GATEWAY_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true' }).auth.modes).toEqual([]);
  });

  it('gives each function its body limit: its own entry, else MAX_BODY_BYTES', () => {
    const config = loadConfig({ MAX_BODY_BYTES: '2048', MAX_BODY_BYTES_BY_ROUTE: 'chunk=4096' });
    expect([bodyLimit(config, 'chunk'), bodyLimit(config, 'embed'), bodyLimit(config, 'embedBatch')]).toEqual([4096, 2048, 16 * 1024 * 1024]);
  });
});
