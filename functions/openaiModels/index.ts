// GET /v1/models: OpenAI's model list (the configured aliases and the served model ids).
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { formatOpenAIError } from '../../shared/openai/errors.js';
import { listOpenAIModels } from '../../shared/openai/model-list.js';

export const route = httpRoute({ name: 'openaiModels', methods: ['GET'], formatError: formatOpenAIError }, async (_req, res, ctx) => {
  res.json(listOpenAIModels(ctx.gateway, ctx.config.openai.models));
});

serveFunction(route, processGateway);
