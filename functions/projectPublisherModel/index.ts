// GET /v1/projects/{p}/locations/{l}/publishers/google/models/{model}: the same PublisherModel
// lookup in the regional form some Vertex SDKs use.
import { http } from '@google-cloud/functions-framework';
import { GatewayError } from '../../shared/errors.js';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';
import { publisherModel, publisherModelFromPath } from '../../shared/vertex-api/publisher-model.js';
import { formatGoogleError } from '../../shared/vertex-api/response.js';

http('projectPublisherModel', httpRoute({ name: 'projectPublisherModel', methods: ['GET'], formatError: formatGoogleError }, async (req, res) => {
  const model = publisherModelFromPath(req.path);
  if (!model) throw new GatewayError('not_found', 'Expected GET .../publishers/google/models/{model}');
  res.json(publisherModel(gateway(), model));
}));
