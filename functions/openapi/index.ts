// GET /openapi.json: the OpenAPI 3.1 document of every route (shared/openapi/document.ts).
import { processGatewayCore, type GatewayCore } from '../../shared/gateway-core.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { servedDocument } from '../../shared/openapi/serve.js';

// Public like the page: it describes the API and holds nothing a caller could use against it.
export const route = httpRoute<GatewayCore>({ name: 'openapi', methods: ['GET'], public: true }, async (req, res, ctx) => {
  const { body, etag } = servedDocument(ctx.config.web.routeUrls);
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('etag', etag);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  res.end(body);
});

serveFunction(route, processGatewayCore);
