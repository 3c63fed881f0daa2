// CORS is off unless origins are configured. Returns true when it answered a preflight itself.
// Preflights are answered before auth: browsers send them without credentials.
import type { Request, Response } from '@google-cloud/functions-framework';

const DEFAULT_ALLOWED_HEADERS = 'authorization, content-type, x-api-key';
// Browser clients such as the OpenAI SDK add their own headers (x-stainless-*); a header list
// that is only letters, digits, dashes and commas is echoed back rather than enumerated here.
const HEADER_LIST = /^[\w-]+(\s*,\s*[\w-]+)*$/;

export function applyCors(req: Request, res: Response, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || allowedOrigins.length === 0) return false;
  const any = allowedOrigins.includes('*');
  // The answer depends on Origin whenever a list is configured, for allowed and refused alike.
  if (!any) res.setHeader('vary', 'Origin');
  if (!any && !allowedOrigins.includes(origin)) return false;
  res.setHeader('access-control-allow-origin', any ? '*' : origin);
  res.setHeader('access-control-expose-headers', 'x-embedding-model, x-embedding-provider, x-embedding-fallback, retry-after');
  if (req.method === 'OPTIONS') {
    const requested = req.headers['access-control-request-headers']?.trim();
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', requested && HEADER_LIST.test(requested) ? requested : DEFAULT_ALLOWED_HEADERS);
    res.setHeader('access-control-max-age', '3600');
    res.status(204).end();
    return true;
  }
  return false;
}
