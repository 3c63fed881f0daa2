// The document as served: built once per process, with each operation's server when the
// functions are deployed apart (ROUTE_URLS).
import { createHash } from 'node:crypto';
import { config } from '../config.js';
import { openapiDocument } from './document.js';

let served: { body: string; etag: string } | undefined;

export function servedDocument(): { body: string; etag: string } {
  if (!served) {
    const body = JSON.stringify(openapiDocument({ routeUrls: config().web.routeUrls }));
    served = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
  }
  return served;
}
