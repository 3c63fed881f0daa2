// GET /v1/publishers/google/models/{model}: Model Garden's GetPublisherModel, which the Vertex
// SDKs call before `:predict` (TextEmbeddingModel.from_pretrained).
import { GatewayError } from '../../shared/errors.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { publisherModel, publisherModelFromPath } from '../../shared/vertex-api/publisher-model.js';
import { formatGoogleError } from '../../shared/vertex-api/response.js';

export const route = httpRoute({ name: 'publisherModel', methods: ['GET'], formatError: formatGoogleError }, async (req, res, ctx) => {
  const model = publisherModelFromPath(req.path);
  if (!model) throw new GatewayError('not_found', 'Expected GET .../publishers/google/models/{model}');
  res.json(publisherModel(ctx.gateway, model));
});

serveFunction(route, processGateway);
