// GET /openapi.json: the OpenAPI 3.1 document of every route (shared/openapi/document.ts).
import { http } from '@google-cloud/functions-framework';
import { httpRoute } from '../../shared/http/route.js';
import { servedDocument } from '../../shared/openapi/serve.js';

// Public like the page: it describes the API and holds nothing a caller could use against it.
http('openapi', httpRoute({ name: 'openapi', methods: ['GET'], public: true }, async (_req, res) => {
  const { body, etag } = servedDocument();
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('etag', etag);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (_req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  res.end(body);
}));
