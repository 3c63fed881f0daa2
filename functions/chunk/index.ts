// POST /chunk: token-bounded chunks of a text, with offsets, in the bundled model's tokens.
import { TooManyChunksError } from '../../shared/chunking/index.js';
import { chunkResponse, parseChunkRequest } from '../../shared/wire/chunk.js';
import { tooLarge } from '../../shared/errors.js';
import { processGateway } from '../../shared/gateway.js';
import { serveFunction } from '../../shared/http/functions.js';
import { httpRoute } from '../../shared/http/route.js';

export const route = httpRoute({ name: 'chunk', methods: ['POST'], jsonBody: true }, async (req, res, ctx) => {
  const gw = ctx.gateway;
  const chunker = await gw.chunker();
  const request = parseChunkRequest(req.body, gw.local.info().maxTokens - chunker.counter.specialTokens, ctx.config);
  const { maxChunks } = gw.config.chunking;
  let chunks;
  try {
    chunks = await chunker.chunkAsync(request.text, { maxTokens: request.maxTokens, overlapTokens: request.overlapTokens, maxChunks }, { signal: ctx.signal });
  } catch (error) {
    if (!(error instanceof TooManyChunksError)) throw error;
    throw tooLarge('max_tokens', `The text makes more than ${maxChunks} chunks of max_tokens ${request.maxTokens} (CHUNK_MAX_CHUNKS); raise max_tokens or send a shorter text`);
  }
  res.json(chunkResponse(chunker.model, request, chunks));
});

serveFunction(route, processGateway);
