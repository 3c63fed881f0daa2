// CORS is off unless origins are configured. Returns true when it answered a preflight itself.
import type { Request, Response } from '@google-cloud/functions-framework';

export function applyCors(req: Request, res: Response, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || allowedOrigins.length === 0) return false;
  const allowed = allowedOrigins.includes('*') || allowedOrigins.includes(origin);
  if (!allowed) return false;
  res.setHeader('access-control-allow-origin', allowedOrigins.includes('*') ? '*' : origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'x-embedding-model, retry-after');
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, x-api-key');
    res.setHeader('access-control-max-age', '3600');
    res.status(204).end();
    return true;
  }
  return false;
}
