// Inbound caller authentication for every HTTP route. With no auth mode configured every caller
// is anonymous (refused at start-up in production unless explicitly allowed, see config.ts).
// The authenticator is built once per process, on first use, from the process's configuration.
import type { Request } from '@google-cloud/functions-framework';
import { config, type Config } from '../config.js';
import { createAuthenticator, type Authenticator } from './authenticator.js';

export type { Principal } from './principal.js';
export { createAuthenticator, WWW_AUTHENTICATE, type Authenticator } from './authenticator.js';

let current: { auth: Config['auth']; authenticator: Authenticator } | undefined;

function authenticator(): Authenticator {
  const auth = config().auth;
  // Rebuilt only if the configuration itself was reloaded (tests); a process reads it once.
  if (current?.auth !== auth) current = { auth, authenticator: createAuthenticator(auth) };
  return current.authenticator;
}

export async function authenticate(req: Request): Promise<import('./principal.js').Principal> {
  return authenticator().authenticate(req.headers);
}

/** For tests: use this authenticator (e.g. one with local certificates) under the current configuration. */
export function setAuthenticator(next: Authenticator): void {
  current = { auth: config().auth, authenticator: next };
}
