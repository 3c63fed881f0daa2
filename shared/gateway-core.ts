// The part of the gateway every function needs, and no more: the parsed settings, the
// authenticator, the per-caller limiter, the log level. Functions that never embed (the pages,
// the API reference, GET /jobs) are built on this alone, so their bundles carry no model runtime;
// shared/gateway.ts adds the providers and the cache on top, shared/batch/services.ts the batch
// store and publisher (only the batch functions' bundles carry Pub/Sub).
import { loadConfig, type Config } from './config.js';
import { createAuthenticator, type Authenticator } from './auth/authenticator.js';
import type { CertificateSource } from './auth/id-token.js';
import { limiterFromConfig } from './limits/index.js';
import type { Limiter } from './limits/types.js';
import { setLogLevel } from './log.js';

export interface GatewayCore {
  config: Config;
  /** Who the caller is, from the request's headers (AUTH_MODE). */
  authenticator: Authenticator;
  /** Per-caller requests and tokens per minute (CALLER_LIMITS, LIMIT_STORE). */
  limiter: Limiter;
}

export interface CoreOptions {
  /** Google's ID-token certificates from elsewhere: tests sign tokens with local keys. */
  certificates?: CertificateSource;
}

export function createGatewayCore(config: Config, options: CoreOptions = {}): GatewayCore {
  setLogLevel(config.logLevel);
  return {
    config,
    authenticator: createAuthenticator(config.auth, options.certificates ? { certificates: options.certificates } : {}),
    limiter: limiterFromConfig(config),
  };
}

let current: GatewayCore | undefined;

/** The process's core, from its environment, built on first use (shared/gateway.ts builds on it). */
export function processGatewayCore(): GatewayCore {
  current ??= createGatewayCore(loadConfig());
  return current;
}
