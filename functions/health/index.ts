// GET /healthz: readiness facts. Public, so it says nothing a caller could use against us.
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { readiness } from '../../shared/health.js';

export const route = httpRoute({ name: 'health', methods: ['GET'], public: true }, async (req, res, ctx) => {
  const report = await readiness(ctx.gateway, { load: req.query.load === '1' || req.query.load === 'true' });
  res.status(report.status === 'ok' ? 200 : 503).json(report);
});

serveFunction(route, processGateway);
