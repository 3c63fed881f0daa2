// GET /v1/models/{model}: one OpenAI model object, or OpenAI's 404 model_not_found.
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';
import { formatOpenAIError } from '../../shared/openai/errors.js';
import { retrieveOpenAIModel } from '../../shared/openai/model-list.js';
import { modelNotFound } from '../../shared/openai/models.js';

export const route = httpRoute({ name: 'openaiModel', methods: ['GET'], formatError: formatOpenAIError }, async (req, res, ctx) => {
  const id = /\/models\/([^/]+)\/?$/.exec(req.path)?.[1];
  if (!id) throw modelNotFound('');
  res.json(retrieveOpenAIModel(ctx.gateway, ctx.config.openai.models, decodeURIComponent(id)));
});

serveFunction(route, processGateway);
