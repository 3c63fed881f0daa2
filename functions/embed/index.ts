// POST /embed: the native embedding API.
import { http } from '@google-cloud/functions-framework';
import { parseEmbedRequest } from '../../shared/embedding/request.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { sendNativeResponse, setModelHeaders } from '../../shared/embedding/native-response.js';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';

http('embed', httpRoute({ name: 'embed', methods: ['POST'], jsonBody: true }, async (req, res, ctx) => {
  const request = parseEmbedRequest(req.body);
  const outcome = await embedRequest(gateway(), request, ctx);
  setModelHeaders(res, outcome);
  sendNativeResponse(res, outcome, request.encoding);
}));
