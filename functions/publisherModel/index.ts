// GET /v1/publishers/google/models/{model}: Model Garden's GetPublisherModel, which the Vertex
// SDKs call before `:predict` (TextEmbeddingModel.from_pretrained).
import { http } from '@google-cloud/functions-framework';
import { GatewayError } from '../../shared/errors.js';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';
import { publisherModel, publisherModelFromPath } from '../../shared/vertex-api/publisher-model.js';
import { formatGoogleError } from '../../shared/vertex-api/response.js';

http('publisherModel', httpRoute({ name: 'publisherModel', methods: ['GET'], formatError: formatGoogleError }, async (req, res) => {
  const model = publisherModelFromPath(req.path);
  if (!model) throw new GatewayError('not_found', 'Expected GET .../publishers/google/models/{model}');
  res.json(publisherModel(gateway(), model));
}));
