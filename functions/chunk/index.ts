// POST /chunk: token-bounded chunks of a text, with offsets, in the bundled model's tokens.
import { http } from '@google-cloud/functions-framework';
import { chunkerFor } from '../../shared/chunking/index.js';
import { parseChunkRequest } from '../../shared/chunking/request.js';
import { gateway } from '../../shared/gateway.js';
import { httpRoute } from '../../shared/http/route.js';

http('chunk', httpRoute({ name: 'chunk', methods: ['POST'], jsonBody: true }, async (req, res) => {
  const gw = gateway();
  const chunker = await chunkerFor(gw.config.local.modelDir);
  const request = parseChunkRequest(req.body, gw.local.info().maxTokens - chunker.counter.specialTokens);
  const chunks = chunker.chunk(request.text, { maxTokens: request.maxTokens, overlapTokens: request.overlapTokens });
  res.json({ model: chunker.model, max_tokens: request.maxTokens, overlap_tokens: request.overlapTokens, chunks });
}));
