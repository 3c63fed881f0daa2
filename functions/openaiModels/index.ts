// GET /v1/models: OpenAI's model list (the configured aliases and the served model ids).
import { http } from '@google-cloud/functions-framework';
import { config } from '../../shared/config.js';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';
import { formatOpenAIError } from '../../shared/openai/errors.js';
import { listOpenAIModels } from '../../shared/openai/model-list.js';

http('openaiModels', httpRoute({ name: 'openaiModels', methods: ['GET'], formatError: formatOpenAIError }, async (_req, res) => {
  res.json(listOpenAIModels(gateway(), config().openai.models));
}));
