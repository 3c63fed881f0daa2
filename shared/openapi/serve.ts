// The document as served: built once per set of route URLs (once per process deployed), with
// each operation's server when the functions are deployed apart (ROUTE_URLS).
import { createHash } from 'node:crypto';
import { openapiDocument } from './document.js';

const served = new WeakMap<Record<string, string>, { body: string; etag: string }>();

export function servedDocument(routeUrls: Record<string, string>): { body: string; etag: string } {
  let document = served.get(routeUrls);
  if (!document) {
    const body = JSON.stringify(openapiDocument({ routeUrls }));
    document = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
    served.set(routeUrls, document);
  }
  return document;
}
