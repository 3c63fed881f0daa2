// POST /embed: the native embedding API.
import { embedRequest } from '../../shared/embedding/service.js';
import { setModelHeaders } from '../../shared/wire/model-headers.js';
import { parseEmbedRequest, sendNativeResponse } from '../../shared/wire/native.js';
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
