// POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:predict: Vertex AI's
// embeddings API on the gateway's one pipeline, so a Vertex REST caller only changes its host.
import { setModelHeaders } from '../../shared/wire/model-headers.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { GatewayError } from '../../shared/errors.js';
import { useFrameworkErrorFormat } from '../../shared/http/framework-errors.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { modelFromPath, parseVertexRequest } from '../../shared/vertex-api/request.js';
import { formatGoogleError, vertexResponse } from '../../shared/vertex-api/response.js';

useFrameworkErrorFormat((path) => path.endsWith(':predict'), formatGoogleError);

export const route = httpRoute(
  { name: 'vertexPredict', methods: ['POST'], jsonBody: true, formatError: formatGoogleError },
  async (req, res, ctx) => {
    const model = modelFromPath(req.path);
    if (!model) throw new GatewayError('not_found', 'Expected POST .../publishers/google/models/{model}:predict');
    const request = parseVertexRequest(req.body, model, ctx.config);
    const outcome = await embedRequest(ctx.gateway, request, ctx);
    setModelHeaders(res, outcome);
    res.json(vertexResponse(outcome, request));
  },
);

serveFunction(route, processGateway);
