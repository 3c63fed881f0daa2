// GET /healthz: readiness facts. Public, so it says nothing a caller could use against us.
import { http } from '@google-cloud/functions-framework';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';
import { readiness } from '../../shared/health.js';

http('health', httpRoute({ name: 'health', methods: ['GET'], public: true }, async (req, res) => {
  const report = await readiness(gateway(), { load: req.query.load === '1' || req.query.load === 'true' });
  res.status(report.status === 'ok' ? 200 : 503).json(report);
}));
