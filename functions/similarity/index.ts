// POST /similarity: cosine scores of texts against a query, ranked, on one model.
import { setModelHeaders } from '../../shared/wire/model-headers.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { parseSimilarityRequest, similarityResponse } from '../../shared/wire/similarity.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';

export const route = httpRoute({ name: 'similarity', methods: ['POST'], jsonBody: true }, async (req, res, ctx) => {
  const { request, texts } = parseSimilarityRequest(req.body, ctx.config);
  const outcome = await embedRequest(ctx.gateway, request, ctx);
  setModelHeaders(res, outcome);
  res.json(similarityResponse(outcome, texts));
});

serveFunction(route, processGateway);
