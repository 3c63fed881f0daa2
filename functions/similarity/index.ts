// POST /similarity: cosine scores of texts against a query, ranked, on one model.
import { http } from '@google-cloud/functions-framework';
import { setModelHeaders } from '../../shared/embedding/native-response.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { parseSimilarityRequest, similarityResponse } from '../../shared/embedding/similarity.js';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';

http('similarity', httpRoute({ name: 'similarity', methods: ['POST'], jsonBody: true }, async (req, res, ctx) => {
  const { request, texts } = parseSimilarityRequest(req.body);
  const outcome = await embedRequest(gateway(), request, ctx);
  setModelHeaders(res, outcome);
  res.json(similarityResponse(outcome, texts));
}));
