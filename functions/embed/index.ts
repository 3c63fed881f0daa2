// POST /embed: the native embedding API.
import { parseEmbedRequest } from '../../shared/embedding/request.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { sendNativeResponse, setModelHeaders } from '../../shared/embedding/native-response.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';

export const route = httpRoute({ name: 'embed', methods: ['POST'], jsonBody: true }, async (req, res, ctx) => {
  const request = parseEmbedRequest(req.body, ctx.config);
  const outcome = await embedRequest(ctx.gateway, request, ctx);
  setModelHeaders(res, outcome);
  sendNativeResponse(res, outcome, request.encoding);
});

serveFunction(route, processGateway);
