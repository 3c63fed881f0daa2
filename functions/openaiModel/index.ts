// GET /v1/models/{model}: one OpenAI model object, or OpenAI's 404 model_not_found.
import { http } from '@google-cloud/functions-framework';
import { config } from '../../shared/config.js';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';
import { formatOpenAIError } from '../../shared/openai/errors.js';
import { retrieveOpenAIModel } from '../../shared/openai/model-list.js';
import { modelNotFound } from '../../shared/openai/models.js';

http('openaiModel', httpRoute({ name: 'openaiModel', methods: ['GET'], formatError: formatOpenAIError }, async (req, res) => {
  const id = /\/models\/([^/]+)\/?$/.exec(req.path)?.[1];
  if (!id) throw modelNotFound('');
  res.json(retrieveOpenAIModel(gateway(), config().openai.models, decodeURIComponent(id)));
}));
