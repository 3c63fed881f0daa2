// POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:embedContent: Vertex AI's
// embedContent (the gemini-embedding-2 family) on the gateway's one pipeline, so a caller of it
// changes only its host.
import { setModelHeaders } from '../../shared/wire/model-headers.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { GatewayError } from '../../shared/errors.js';
import { useFrameworkErrorFormat } from '../../shared/http/framework-errors.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { embedContentModelFromPath, embedContentResponse, parseEmbedContentRequest } from '../../shared/vertex-api/embed-content.js';
import { formatGoogleError } from '../../shared/vertex-api/response.js';

useFrameworkErrorFormat((path) => path.endsWith(':embedContent'), formatGoogleError);

export const route = httpRoute(
  { name: 'vertexEmbedContent', methods: ['POST'], jsonBody: true, formatError: formatGoogleError },
  async (req, res, ctx) => {
    const model = embedContentModelFromPath(req.path);
    if (!model) throw new GatewayError('not_found', 'Expected POST .../publishers/google/models/{model}:embedContent');
    const request = parseEmbedContentRequest(req.body, model, ctx.config);
    const outcome = await embedRequest(ctx.gateway, request, ctx);
    setModelHeaders(res, outcome);
    res.json(embedContentResponse(outcome));
  },
);

serveFunction(route, processGateway);
