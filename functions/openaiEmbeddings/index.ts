// POST /v1/embeddings: OpenAI's embeddings API on the gateway's one pipeline.
import { embedRequest } from '../../shared/embedding/service.js';
import { setModelHeaders } from '../../shared/wire/model-headers.js';
import { useFrameworkErrorFormat } from '../../shared/http/framework-errors.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { formatOpenAIError, withOpenAIParam } from '../../shared/openai/errors.js';
import { resolveOpenAIModel } from '../../shared/openai/models.js';
import { parseOpenAIRequest } from '../../shared/openai/request.js';
import { openaiResponse } from '../../shared/openai/response.js';

// SDKs call `${baseURL}/embeddings`; a body the framework cannot parse gets OpenAI's shape too.
useFrameworkErrorFormat((path) => path.endsWith('/embeddings'), formatOpenAIError);

export const route = httpRoute(
  { name: 'openaiEmbeddings', methods: ['POST'], jsonBody: true, formatError: formatOpenAIError },
  async (req, res, ctx) => {
    const gw = ctx.gateway;
    const parsed = await parseOpenAIRequest(req.body, ctx.config, (name) => resolveOpenAIModel(gw, ctx.config.openai.models, name));
    const outcome = await embedRequest(gw, parsed.request, ctx).catch((err: unknown) => {
      throw withOpenAIParam(err, parsed.single);
    });
    setModelHeaders(res, outcome);
    res.json(openaiResponse(outcome, parsed.encoding));
  },
);

serveFunction(route, processGateway);
