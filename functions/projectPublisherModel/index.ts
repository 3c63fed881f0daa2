// GET /v1/projects/{p}/locations/{l}/publishers/google/models/{model}: the same PublisherModel
// lookup in the regional form some Vertex SDKs use.
import { GatewayError } from '../../shared/errors.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { publisherModel, publisherModelFromPath } from '../../shared/vertex-api/publisher-model.js';
import { formatGoogleError } from '../../shared/vertex-api/response.js';

export const route = httpRoute({ name: 'projectPublisherModel', methods: ['GET'], formatError: formatGoogleError }, async (req, res, ctx) => {
  const model = publisherModelFromPath(req.path);
  if (!model) throw new GatewayError('not_found', 'Expected GET .../publishers/google/models/{model}');
  res.json(publisherModel(ctx.gateway, model));
});

serveFunction(route, processGateway);
