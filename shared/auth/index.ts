// Inbound caller authentication. With no auth mode configured every caller is anonymous
// (refused at start-up in production unless explicitly allowed, see config.ts).
import type { Request } from '@google-cloud/functions-framework';
import { config } from '../config.js';

export type Principal =
  | { kind: 'anonymous'; name: 'anonymous' }
  | { kind: 'api_key'; name: string }
  | { kind: 'google'; name: string };

export async function authenticate(_req: Request): Promise<Principal> {
  const { modes } = config().auth;
  if (modes.length === 0) return { kind: 'anonymous', name: 'anonymous' };
  throw new Error('auth modes are not implemented yet');
}
