// Inbound caller authentication for every HTTP route. With no auth mode configured every caller
// is anonymous (refused at start-up in production unless explicitly allowed, see config.ts).
// The gateway builds one authenticator from its configuration (shared/gateway.ts).
export type { Principal } from './principal.js';
export { createAuthenticator, WWW_AUTHENTICATE, type Authenticator } from './authenticator.js';
