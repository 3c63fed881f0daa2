// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every body the gateway reads or writes.
// test/openapi checks the real server's answers against these, so they cannot drift silently.
import { taskTypes } from '../providers/types.js';
import { errorTypes } from '../errors.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const int = (description: string, extra: Schema = {}): Schema => ({ type: 'integer', description, ...extra });
const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const bool = (description: string, extra: Schema = {}): Schema => ({ type: 'boolean', description, ...extra });
const obj = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({
  type: 'object', properties, ...(required.length ? { required } : {}), ...extra,
});

export const schemas: Record<string, Schema> = {
  // ---- errors: one shape natively, and the shape of each API the gateway imitates
  Error: obj({
    error: obj({
      type: { type: 'string', enum: errorTypes, description: 'Machine-readable kind; the HTTP status follows from it (README, Errors).' },
      message: str('What went wrong, in words meant for a person.'),
      field: str('The request field at fault, e.g. `inputs[1]` or `body`.'),
    }, ['type', 'message'], { additionalProperties: true, description: 'Some errors add detail, e.g. `supported_dimensions`.' }),
  }, ['error'], { description: 'The gateway\'s one error shape.' }),
  OpenAIError: obj({
    error: obj({
      message: str('What went wrong.'),
      type: str('`invalid_request_error`, `authentication_error`, `permission_error`, `rate_limit_error` or `server_error`.'),
      param: { type: ['string', 'null'], description: 'The request parameter at fault.' },
      code: { type: ['string', 'null'], description: 'The gateway\'s error type, or `model_not_found` / `rate_limit_exceeded`.' },
    }, ['message', 'type', 'param', 'code']),
  }, ['error'], { description: 'OpenAI\'s error shape.' }),
  GoogleError: obj({
    error: obj({
      code: int('The HTTP status.'),
      message: str('What went wrong.'),
      status: str('The gRPC status name, e.g. `INVALID_ARGUMENT`.'),
      type: str('The gateway\'s error type.'),
      field: str('The request field at fault.'),
    }, ['code', 'message', 'status'], { additionalProperties: true }),
  }, ['error'], { description: 'Google APIs\' error shape, which Google\'s client libraries read as the matching gRPC status.' }),

  // ---- shared parts
  TaskType: { type: 'string', enum: [...taskTypes], description: 'Vertex AI task types; the bundled model prefixes its query instruction for `RETRIEVAL_QUERY`.' },
  ModelSelector: str('`auto` (Vertex when a project is configured, else the bundled model), `vertex`, `local`, or a model id such as `text-embedding-005`.', { examples: ['auto', 'local'] }),
  Fallback: obj({
    used: bool('Whether the bundled model answered because Vertex failed.'),
    reason: str('Why, when it fell back (e.g. `unavailable: ...`).'),
  }, ['used'], { additionalProperties: false }),
  Usage: obj({
    tokens: int('Tokens the model read.', { minimum: 0 }),
    cached: int('Vectors served from the cache.', { minimum: 0 }),
  }, ['tokens', 'cached']),
  Provider: { type: 'string', enum: ['vertex', 'local'], description: 'Who made the vectors.' },

  // ---- POST /embed
  EmbedInput: {
    oneOf: [
      str('A text.', { minLength: 1 }),
      obj({ id: str('Echoed back on its entries.'), text: str('The text.', { minLength: 1 }), title: str('Document title (Vertex reads it for RETRIEVAL_DOCUMENT).') }, ['text'], { additionalProperties: false }),
    ],
  },
  EmbedRequest: obj({
    inputs: { type: 'array', items: ref('EmbedInput'), minItems: 1, description: 'Texts (at most `MAX_INPUTS`).' },
    task: ref('TaskType'),
    dimensions: int('Output size; the bundled model supports 512 only.', { minimum: 1 }),
    truncate: bool('false: a text past the model\'s limit is a 400 instead of being cut (with `long_text: truncate`).', { default: true }),
    long_text: { type: 'string', enum: ['truncate', 'chunk', 'pool'], default: 'truncate', description: 'What to do with texts past the model\'s token limit.' },
    model: ref('ModelSelector'),
    fallback: bool('Allow the bundled model to answer when Vertex fails.', { default: true }),
    encoding: { type: 'string', enum: ['float', 'base64'], default: 'float', description: '`base64`: little-endian float32 bytes.' },
    normalize: bool('false: vectors as the model made them instead of unit length.', { default: true }),
  }, ['inputs'], { additionalProperties: false }),
  Embedding: obj({
    index: int('Position of the input.', { minimum: 0 }),
    id: str('The input\'s id, when it had one.'),
    values: { oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string', contentEncoding: 'base64' }], description: 'The vector: numbers, or base64 float32 with `encoding: base64`.' },
    tokens: int('Tokens the model read for it.', { minimum: 0 }),
    truncated: bool('Whether the text was cut at the model\'s limit.'),
    cached: bool('Served from the cache.'),
    chunk: int('With `long_text: chunk`: the chunk\'s position within its input.', { minimum: 0 }),
    start: int('With `long_text: chunk`: first character (UTF-16 index).', { minimum: 0 }),
    end: int('With `long_text: chunk`: end character, exclusive.', { minimum: 0 }),
    chunks: int('With `long_text: pool`: chunks pooled into this vector.', { minimum: 1 }),
  }, ['index', 'values', 'tokens', 'truncated', 'cached']),
  EmbedResponse: obj({
    model: str('The model that made every vector (id@revision for the bundled model).'),
    provider: ref('Provider'),
    dimensions: int('Vector size.', { minimum: 1 }),
    fallback: ref('Fallback'),
    embeddings: { type: 'array', items: ref('Embedding') },
    usage: ref('Usage'),
  }, ['model', 'provider', 'dimensions', 'fallback', 'embeddings', 'usage']),

  // ---- POST /similarity
  SimilarityRequest: obj({
    query: str('The text to compare with.', { minLength: 1 }),
    texts: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    task: ref('TaskType'),
    model: ref('ModelSelector'),
    fallback: bool('Allow the bundled model to answer when Vertex fails.', { default: true }),
    dimensions: int('Output size of the vectors compared.', { minimum: 1 }),
    truncate: bool('Cut texts past the model\'s limit.', { default: true }),
    long_text: { type: 'string', enum: ['truncate', 'pool'], default: 'truncate' },
  }, ['query', 'texts'], { additionalProperties: false }),
  SimilarityResponse: obj({
    model: str('The model that made every vector compared.'),
    provider: ref('Provider'),
    fallback: ref('Fallback'),
    scores: {
      type: 'array',
      description: 'Best first.',
      items: obj({ index: int('Position in `texts`.', { minimum: 0 }), text: str('The text.'), score: { type: 'number', minimum: -1.000001, maximum: 1.000001, description: 'Cosine similarity.' } }, ['index', 'text', 'score']),
    },
    usage: ref('Usage'),
  }, ['model', 'provider', 'fallback', 'scores', 'usage']),

  // ---- POST /chunk
  ChunkRequest: obj({
    text: str('The text to split.', { minLength: 1 }),
    max_tokens: int('Largest chunk, in the bundled model\'s tokens without [CLS]/[SEP].', { minimum: 1, default: 510 }),
    overlap_tokens: int('Tokens of a chunk\'s tail repeated at the next chunk\'s start (default `CHUNK_OVERLAP_TOKENS`).', { minimum: 0 }),
  }, ['text'], { additionalProperties: false }),
  ChunkResponse: obj({
    model: str('Whose tokenizer counted.'),
    max_tokens: int('As applied.', { minimum: 1 }),
    overlap_tokens: int('As applied.', { minimum: 0 }),
    chunks: {
      type: 'array',
      items: obj({
        index: int('Position.', { minimum: 0 }),
        text: str('`text.slice(start, end)`.'),
        start: int('First character (UTF-16 index).', { minimum: 0 }),
        end: int('End character, exclusive.', { minimum: 1 }),
        tokens: int('Tokens in the chunk.', { minimum: 1 }),
      }, ['index', 'text', 'start', 'end', 'tokens']),
    },
  }, ['model', 'max_tokens', 'overlap_tokens', 'chunks']),

  // ---- POST /v1/embeddings
  OpenAIEmbeddingRequest: obj({
    input: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }, { type: 'array', items: { type: 'integer' }, minItems: 1 }, { type: 'array', items: { type: 'array', items: { type: 'integer' } }, minItems: 1 }], description: 'A text, texts, or OpenAI tokenizer ids.' },
    model: str('An OpenAI model name mapped by `OPENAI_MODELS`, or a gateway selector.'),
    dimensions: int('Output size.', { minimum: 1 }),
    encoding_format: { type: 'string', enum: ['float', 'base64'], default: 'float' },
    user: str('Accepted; neither used nor logged.'),
    normalize: bool('Gateway extension: false gives vectors as the model made them instead of unit length.', { default: true }),
  }, ['input', 'model'], { additionalProperties: false }),
  OpenAIEmbeddingResponse: obj({
    object: { const: 'list' },
    data: { type: 'array', items: obj({ object: { const: 'embedding' }, index: int('Position.', { minimum: 0 }), embedding: { oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string' }] } }, ['object', 'index', 'embedding']) },
    model: str('The model that made the vectors (not the alias sent).'),
    usage: obj({ prompt_tokens: int('Tokens read.', { minimum: 0 }), total_tokens: int('Same as prompt_tokens.', { minimum: 0 }) }, ['prompt_tokens', 'total_tokens']),
  }, ['object', 'data', 'model', 'usage']),
  OpenAIModel: obj({
    id: str('Model name or alias.'),
    object: { const: 'model' },
    created: int('Unix seconds.'),
    owned_by: str('Who made the model.'),
    dimensions: int('Gateway addition: the vector size.', { minimum: 1 }),
    served_by: str('Gateway addition: the model that makes the vectors.'),
  }, ['id', 'object', 'created', 'owned_by'], { additionalProperties: true }),
  OpenAIModelList: obj({ object: { const: 'list' }, data: { type: 'array', items: ref('OpenAIModel') } }, ['object', 'data']),

  // ---- Vertex-compatible routes
  VertexPredictRequest: obj({
    instances: {
      type: 'array', minItems: 1,
      items: obj({ content: str('The text.', { minLength: 1 }), task_type: ref('TaskType'), title: str('Document title.') }, ['content'], { additionalProperties: false }),
    },
    parameters: obj({
      autoTruncate: bool('Cut texts past the model\'s limit.', { default: true }),
      outputDimensionality: int('Output size.', { minimum: 1 }),
      fallback: bool('Gateway extension: allow the bundled model to answer when Vertex fails.', { default: true }),
      normalize: bool('Gateway extension: false gives vectors as the model made them instead of unit length.', { default: true }),
    }, [], { additionalProperties: false }),
    labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Sent by Google\'s client library; ignored.' },
  }, ['instances'], { additionalProperties: false }),
  VertexPredictResponse: obj({
    predictions: {
      type: 'array',
      items: obj({
        embeddings: obj({
          values: { type: 'array', items: { type: 'number' } },
          statistics: obj({ token_count: int('Tokens read.', { minimum: 0 }), truncated: bool('Cut at the limit.') }, ['token_count', 'truncated']),
        }, ['values', 'statistics']),
      }, ['embeddings']),
    },
    metadata: obj({
      billableCharacterCount: int('Characters Vertex billed (0 for fallback and cached texts).', { minimum: 0 }),
      gateway: obj({ model: str('Model.'), provider: ref('Provider'), fallback: ref('Fallback'), cached: int('Vectors from cache.', { minimum: 0 }) }, ['model', 'provider', 'fallback', 'cached']),
    }, ['billableCharacterCount', 'gateway']),
    model: str('The model that made the vectors.'),
  }, ['predictions', 'metadata', 'model']),
  EmbedContentRequest: obj({
    content: obj({ parts: { type: 'array', items: obj({ text: str('The text.') }, ['text']), minItems: 1 }, role: str('Ignored.') }, ['parts']),
    embedContentConfig: obj({
      taskType: { oneOf: [ref('TaskType'), { type: 'integer', description: 'EmbeddingTaskType by number, as Google\'s REST clients send it.' }] },
      title: str('Document title.'),
      autoTruncate: bool('Cut texts past the model\'s limit.', { default: true }),
      outputDimensionality: int('Output size.', { minimum: 1 }),
      normalize: bool('Gateway extension: false gives the vector as the model made it instead of unit length.', { default: true }),
      fallback: bool('Gateway extension: allow the bundled model to answer when Vertex fails.', { default: true }),
    }, [], { additionalProperties: true, description: 'Also accepted as `embed_content_config`, with snake_case fields.' }),
    taskType: ref('TaskType'),
    title: str('Document title (deprecated top-level form).'),
    autoTruncate: bool('Deprecated top-level form.'),
    outputDimensionality: int('Deprecated top-level form.', { minimum: 1 }),
  }, ['content'], { additionalProperties: true }),
  EmbedContentResponse: obj({
    embedding: obj({ values: { type: 'array', items: { type: 'number' } } }, ['values']),
    usageMetadata: { type: 'object', additionalProperties: true },
    truncated: bool('Cut at the limit.'),
  }, ['embedding'], { additionalProperties: true }),
  PublisherModel: obj({
    name: str('`publishers/google/models/{model}`.'),
    versionId: str('Version.'),
    publisherModelTemplate: str('Resource template the SDKs read.'),
    predictSchemata: obj({ instanceSchemaUri: str('Tells the SDKs this is a text embedding model.') }, ['instanceSchemaUri'], { additionalProperties: true }),
  }, ['name', 'publisherModelTemplate', 'predictSchemata'], { additionalProperties: true }),

  // ---- batch
  PubSubPush: obj({
    message: obj({
      data: str('The job, JSON, base64-encoded (see BatchJob).', { contentEncoding: 'base64' }),
      messageId: str('Pub/Sub message id.'),
      attributes: { type: 'object', additionalProperties: { type: 'string' } },
      publishTime: str('RFC 3339 time.'),
    }, ['data', 'messageId']),
    subscription: str('The push subscription.'),
  }, ['message', 'subscription']),
  BatchJob: obj({
    job_id: str('1-200 letters, digits and `. _ : @ -`.', { pattern: '^[A-Za-z0-9._:@-]{1,200}$' }),
    items: { type: 'array', items: obj({ id: str('Unique within the job.'), text: str('The text.'), title: str('Optional.') }, ['id', 'text']) },
    task: ref('TaskType'),
    models: { type: 'array', items: ref('ModelSelector'), default: ['auto'] },
    fallback: bool('Defaults to false for batch: an index must not mix models.', { default: false }),
    truncate: bool('false: an over-long item is an error.', { default: true }),
    dimensions: int('Output size.', { minimum: 1 }),
    encoding: { type: 'string', enum: ['float', 'base64'] },
  }, ['job_id', 'items']),
  JobStatus: obj({
    job_id: str('The job.'),
    state: { type: 'string', enum: ['running', 'done', 'failed'], description: 'running: shards left to publish; done: all published; failed: all published, but the job gave up after BATCH_MAX_ATTEMPTS deliveries (the rest published as errors) or part of its gs:// input could not be read.' },
    shards: obj({
      total: { type: ['integer', 'null'] }, done: { type: 'integer' },
      unread: { type: 'integer', description: 'Shards of a gs:// input that could not be read, each published as one shard-level error.' },
    }, ['total', 'done', 'unread']),
    items: obj({ total: { type: ['integer', 'null'], description: 'Null for a gs:// job until every shard is read (and for good, if one could not be).' }, embedded: { type: 'integer' }, failed: { type: 'integer' } }, ['total', 'embedded', 'failed']),
    deliveries: { type: 'integer', description: 'Deliveries of the job message counted so far.' },
    first_update: { type: ['string', 'null'], format: 'date-time' },
    last_update: { type: ['string', 'null'], format: 'date-time' },
  }, ['job_id', 'state', 'shards', 'items', 'deliveries', 'first_update', 'last_update']),

  // ---- GET /healthz
  Health: obj({
    status: { type: 'string', enum: ['ok', 'degraded'] },
    mode: { type: 'string', enum: ['vertex+local', 'vertex', 'local'] },
    local: { type: 'object', additionalProperties: true, description: 'The bundled model: loaded, model id, dimensions.' },
    vertex: { type: 'object', additionalProperties: true, description: 'Whether Vertex is configured, and its breaker state.' },
    cache: { type: 'object', additionalProperties: true, description: 'The cache stores; `reachable` for the shared one.' },
  }, ['status', 'mode', 'local', 'vertex', 'cache']),
  OpenAPIDocument: obj({ openapi: str('3.1.x'), info: { type: 'object' }, paths: { type: 'object' } }, ['openapi', 'info', 'paths']),
};
