// The OpenAPI 3.1 document of every route, served at GET /openapi.json and rendered at /docs.
// Each operation names its function (`x-function`, as in shared/routes.ts); test/openapi
// sends every example here to the real server and validates the answers against the schemas.
import { schemas } from './schemas.js';

type Json = Record<string, unknown>;
type ErrorShape = 'Error' | 'OpenAIError' | 'GoogleError';

interface Parameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  example: string;
  required?: boolean;
}

interface Operation {
  fn: string;
  method: 'get' | 'post';
  path: string;
  summary: string;
  description: string;
  tag: string;
  parameters?: Parameter[];
  /** Request body schema name and its examples (each is sent by the test). */
  body?: { schema: string; examples: Record<string, { summary: string; value: unknown }> };
  ok: { status: number; description: string; schema?: string; contentType?: string; example?: unknown; headers?: boolean };
  /** `text`: the framework may also answer a failed event in text/plain (Pub/Sub reads only the status). */
  errors: { shape: ErrorShape; statuses: number[]; text?: boolean };
  /** Answers without credentials. */
  public?: boolean;
}

const MODEL_EXAMPLE = 'bge-small-zh-v1.5@q8-f373ea362969';

const statusText: Record<number, string> = {
  400: 'Invalid request: the message names the field.',
  401: 'Missing or invalid credentials.',
  403: 'A valid identity that is not allowed.',
  404: 'Not found.',
  405: 'Method not allowed.',
  413: 'Too large: body bytes, number of inputs or text length.',
  415: 'Send application/json.',
  429: 'Overloaded: the local model\'s queue is full (`retry-after` set).',
  500: 'Internal error (message hidden in production).',
  502: 'Vertex failed and fallback was not allowed.',
  503: 'Vertex unavailable and fallback not allowed.',
  504: 'The request deadline passed.',
};

const EMBED_ERRORS = [400, 401, 403, 405, 413, 415, 429, 500, 502, 503, 504];
const GET_ERRORS = [401, 403, 404, 405, 500];

const operations: Operation[] = [
  {
    fn: 'embed', method: 'post', path: '/embed', tag: 'Native',
    summary: 'Embed texts',
    description: 'Texts in, vectors out, from Vertex AI with the bundled model as fallback. The answer names the model, the provider and whether it fell back; `x-embedding-model` repeats the model.',
    body: {
      schema: 'EmbedRequest',
      examples: {
        texts: { summary: 'Two texts, one with an id', value: { inputs: ['我喜欢看电影', { id: 'doc-1', text: 'I love watching movies' }], task: 'RETRIEVAL_DOCUMENT' } },
        base64: { summary: 'Vectors as base64 float32', value: { inputs: ['今天天气很好'], encoding: 'base64', model: 'local' } },
        chunk: { summary: 'A long text, one vector per chunk', value: { inputs: [{ id: 'book', text: '我喜欢看电影。'.repeat(120) }], long_text: 'chunk' } },
      },
    },
    ok: {
      status: 200, description: 'One entry per input (per chunk with `long_text: chunk`).', schema: 'EmbedResponse', headers: true,
      example: { model: MODEL_EXAMPLE, provider: 'local', dimensions: 512, fallback: { used: false }, embeddings: [{ index: 0, values: [0.0123, -0.0456], tokens: 8, truncated: false, cached: false }], usage: { tokens: 8, cached: 0 } },
    },
    errors: { shape: 'Error', statuses: EMBED_ERRORS },
  },
  {
    fn: 'similarity', method: 'post', path: '/similarity', tag: 'Native',
    summary: 'Rank texts by cosine similarity to a query',
    description: 'The query and the texts are embedded in one request (cache and fallback included), so every vector comes from the same model.',
    body: {
      schema: 'SimilarityRequest',
      examples: {
        movies: { summary: 'The classic check', value: { query: '我喜欢看电影', texts: ['今天天气很好', '我爱看电影', 'I love watching movies'] } },
      },
    },
    ok: {
      status: 200, description: 'Scores, best first.', schema: 'SimilarityResponse', headers: true,
      example: { model: MODEL_EXAMPLE, provider: 'local', fallback: { used: false }, scores: [{ index: 1, text: '我爱看电影', score: 0.89 }, { index: 0, text: '今天天气很好', score: 0.35 }], usage: { tokens: 23, cached: 0 } },
    },
    errors: { shape: 'Error', statuses: EMBED_ERRORS },
  },
  {
    fn: 'chunk', method: 'post', path: '/chunk', tag: 'Native',
    summary: 'Split a text into token-bounded chunks',
    description: 'Cuts at the best boundary in reach (paragraph, line, sentence, clause, word), counting the bundled model\'s tokens. Offsets are UTF-16 indices: `text.slice(start, end)`.',
    body: {
      schema: 'ChunkRequest',
      examples: {
        sentences: { summary: 'Sentences of at most 8 tokens', value: { text: '我喜欢看电影。今天股市大跌！他说：“你好。”然后走了。', max_tokens: 8, overlap_tokens: 0 } },
        overlap: { summary: 'With overlap', value: { text: 'The cat sat on the mat. The dog slept by the door. Birds sang outside.', max_tokens: 10, overlap_tokens: 4 } },
      },
    },
    ok: {
      status: 200, description: 'Chunks in order, covering the text.', schema: 'ChunkResponse',
      example: { model: MODEL_EXAMPLE, max_tokens: 8, overlap_tokens: 0, chunks: [{ index: 0, text: '我喜欢看电影。', start: 0, end: 7, tokens: 7 }] },
    },
    errors: { shape: 'Error', statuses: [400, 401, 403, 405, 413, 415, 500] },
  },
  {
    fn: 'openaiEmbeddings', method: 'post', path: '/v1/embeddings', tag: 'OpenAI-compatible',
    summary: 'OpenAI embeddings',
    description: 'OpenAI\'s embeddings API: change the base URL to `<gateway>/v1` and the key to a gateway key. `model` names OpenAI models (mapped by `OPENAI_MODELS`) or gateway selectors.',
    body: {
      schema: 'OpenAIEmbeddingRequest',
      examples: {
        texts: { summary: 'Two texts', value: { model: 'text-embedding-3-small', input: ['我喜欢看电影', 'I love watching movies'], encoding_format: 'float' } },
        base64: { summary: 'As the SDK asks by default', value: { model: 'text-embedding-3-small', input: '我爱看电影', encoding_format: 'base64' } },
      },
    },
    ok: {
      status: 200, description: 'OpenAI\'s response; `model` names the model that made the vectors.', schema: 'OpenAIEmbeddingResponse', headers: true,
      example: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.0123, -0.0456] }], model: MODEL_EXAMPLE, usage: { prompt_tokens: 8, total_tokens: 8 } },
    },
    errors: { shape: 'OpenAIError', statuses: [...EMBED_ERRORS, 404] },
  },
  {
    fn: 'openaiModels', method: 'get', path: '/v1/models', tag: 'OpenAI-compatible',
    summary: 'List models (OpenAI shape)',
    description: 'The OpenAI aliases and the models this gateway serves, with their dimensions.',
    ok: { status: 200, description: 'The model list.', schema: 'OpenAIModelList', example: { object: 'list', data: [{ id: 'text-embedding-3-small', object: 'model', created: 0, owned_by: 'BAAI', dimensions: 512, served_by: MODEL_EXAMPLE }] } },
    errors: { shape: 'OpenAIError', statuses: [401, 403, 405, 500] },
  },
  {
    fn: 'openaiModel', method: 'get', path: '/v1/models/{model}', tag: 'OpenAI-compatible',
    summary: 'Retrieve a model (OpenAI shape)',
    description: 'One alias or served model.',
    parameters: [{ name: 'model', in: 'path', description: 'Model id or alias.', example: 'text-embedding-3-small' }],
    ok: { status: 200, description: 'The model.', schema: 'OpenAIModel', example: { id: 'text-embedding-3-small', object: 'model', created: 0, owned_by: 'BAAI', dimensions: 512, served_by: MODEL_EXAMPLE } },
    errors: { shape: 'OpenAIError', statuses: [401, 403, 404, 405, 500] },
  },
  {
    fn: 'vertexPredict', method: 'post', path: '/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:predict', tag: 'Vertex-compatible',
    summary: 'Vertex AI :predict',
    description: 'Vertex AI\'s own request and response: a Vertex REST caller changes only its host. `{model}` is the model asked of Vertex; `local` selects the bundled model. `parameters.fallback` is the gateway\'s one extension.',
    parameters: [
      { name: 'project', in: 'path', description: 'The caller\'s habit; the gateway calls its own project.', example: 'my-proj' },
      { name: 'location', in: 'path', description: 'The caller\'s habit; the gateway calls `VERTEX_LOCATION`.', example: 'us-central1' },
      { name: 'model', in: 'path', description: 'Vertex model id, or `local` for the bundled model.', example: 'local' },
    ],
    body: {
      schema: 'VertexPredictRequest',
      examples: {
        content: { summary: 'One instance', value: { instances: [{ content: 'What is life?', task_type: 'RETRIEVAL_DOCUMENT' }], parameters: { autoTruncate: true } } },
      },
    },
    ok: {
      status: 200, description: 'Vertex\'s PredictResponse, plus `metadata.gateway`.', schema: 'VertexPredictResponse', headers: true,
      example: { predictions: [{ embeddings: { values: [0.0123, -0.0456], statistics: { token_count: 4, truncated: false } } }], metadata: { billableCharacterCount: 0, gateway: { model: MODEL_EXAMPLE, provider: 'local', fallback: { used: false }, cached: 0 } }, model: MODEL_EXAMPLE },
    },
    errors: { shape: 'GoogleError', statuses: [...EMBED_ERRORS, 404] },
  },
  {
    fn: 'vertexEmbedContent', method: 'post', path: '/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:embedContent', tag: 'Vertex-compatible',
    summary: 'Vertex AI :embedContent',
    description: 'Vertex\'s `embedContent` (the `gemini-embedding-2` family), one content per call.',
    parameters: [
      { name: 'project', in: 'path', description: 'The caller\'s habit.', example: 'my-proj' },
      { name: 'location', in: 'path', description: 'The caller\'s habit.', example: 'us-central1' },
      { name: 'model', in: 'path', description: 'Vertex model id, or `local`.', example: 'local' },
    ],
    body: {
      schema: 'EmbedContentRequest',
      examples: {
        text: { summary: 'One text', value: { content: { parts: [{ text: '我喜欢看电影' }] } } },
        config: { summary: 'With a task type and the vector as made', value: { content: { parts: [{ text: 'What is life?' }] }, embedContentConfig: { taskType: 'RETRIEVAL_QUERY', normalize: false } } },
      },
    },
    ok: { status: 200, description: 'The vector; the model that made it is in `x-embedding-model`.', schema: 'EmbedContentResponse', headers: true, example: { embedding: { values: [0.0123, -0.0456] }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 }, truncated: false } },
    errors: { shape: 'GoogleError', statuses: [...EMBED_ERRORS, 404] },
  },
  {
    fn: 'publisherModel', method: 'get', path: '/v1/publishers/google/models/{model}', tag: 'Vertex-compatible',
    summary: 'Model Garden PublisherModel',
    description: 'What the Vertex SDKs look up before `:predict`; 404 in Google\'s shape for models this gateway does not serve.',
    parameters: [{ name: 'model', in: 'path', description: 'Model id.', example: 'bge-small-zh-v1.5' }],
    ok: { status: 200, description: 'The PublisherModel.', schema: 'PublisherModel', example: { name: 'publishers/google/models/text-multilingual-embedding-002', publisherModelTemplate: 'projects/{user-project}/locations/{location}/publishers/google/models/text-multilingual-embedding-002', predictSchemata: { instanceSchemaUri: 'gs://google-cloud-aiplatform/schema/predict/instance/text_embedding_1.0.0.yaml' } } },
    errors: { shape: 'GoogleError', statuses: [401, 403, 404, 405, 500] },
  },
  {
    fn: 'projectPublisherModel', method: 'get', path: '/v1/projects/{project}/locations/{location}/publishers/google/models/{model}', tag: 'Vertex-compatible',
    summary: 'Model Garden PublisherModel (project form)',
    description: 'The same lookup under a project and location.',
    parameters: [
      { name: 'project', in: 'path', description: 'The caller\'s habit.', example: 'my-proj' },
      { name: 'location', in: 'path', description: 'The caller\'s habit.', example: 'us-central1' },
      { name: 'model', in: 'path', description: 'Model id.', example: 'local' },
    ],
    ok: { status: 200, description: 'The PublisherModel.', schema: 'PublisherModel' },
    errors: { shape: 'GoogleError', statuses: [401, 403, 404, 405, 500] },
  },
  {
    fn: 'health', method: 'get', path: '/healthz', tag: 'Operations', public: true,
    summary: 'Readiness',
    description: 'Whether the bundled model is loaded (`?load=1` loads it), whether Vertex is configured and its breaker state, whether the cache is reachable. Needs no credentials and says nothing sensitive.',
    parameters: [{ name: 'load', in: 'query', description: '`1`: load the bundled model first (a warm-up probe).', example: '1', required: false }],
    ok: { status: 200, description: 'Ready (503 with the same body when degraded).', schema: 'Health' },
    errors: { shape: 'Error', statuses: [405, 500] },
  },
  {
    fn: 'jobStatus', method: 'get', path: '/jobs/{job_id}', tag: 'Batch',
    summary: 'Batch job status',
    description: 'State (`running`, `done`, `failed`), shards and items done, deliveries, first and last update, from the completion store.',
    // The embedBatch example's job: the dev server has run it by the time this one is sent.
    parameters: [{ name: 'job_id', in: 'path', description: 'The job\'s id.', example: 'openapi-example-1' }],
    ok: { status: 200, description: 'The job\'s status.', schema: 'JobStatus' },
    errors: { shape: 'Error', statuses: [400, 401, 403, 404, 405, 500] },
  },
  {
    fn: 'embedBatch', method: 'post', path: '/projects/{project}/topics/{topic}', tag: 'Batch',
    summary: 'Batch job (Pub/Sub push)',
    description: 'Where a Pub/Sub push subscription delivers jobs (deployed, Terraform wires it with an OIDC token of the push identity). The message data is a BatchJob; results go to `RESULTS_TOPIC`. A 2xx acks the message; anything else makes Pub/Sub redeliver it.',
    parameters: [
      { name: 'project', in: 'path', description: 'The jobs topic\'s project.', example: 'test-proj' },
      { name: 'topic', in: 'path', description: 'The jobs topic.', example: 'embed-gw-jobs' },
    ],
    body: {
      schema: 'PubSubPush',
      examples: {
        job: {
          summary: 'A one-item job on the bundled model',
          value: {
            message: { data: Buffer.from(JSON.stringify({ job_id: 'openapi-example-1', items: [{ id: 'a', text: '我喜欢看电影' }], models: ['local'] })).toString('base64'), messageId: 'openapi-example-1', attributes: {} },
            subscription: 'projects/test-proj/subscriptions/embed-gw-jobs-push',
          },
        },
      },
    },
    ok: { status: 204, description: 'Done (or refused for good, with a `job_error` result): the message is acked.' },
    errors: { shape: 'Error', statuses: [400, 405, 413, 500], text: true },
  },
  {
    fn: 'playground', method: 'get', path: '/', tag: 'Pages', public: true,
    summary: 'Playground page',
    description: 'Texts in, a similarity heatmap out; ranking, chunking, and which model answered. Its files are served at `?asset=<name>`. The page needs no credentials (a browser cannot attach a key to a page load); the calls it makes carry the key typed into it.',
    parameters: [{ name: 'asset', in: 'query', description: 'One of the page\'s files (`app.js`, `app.css`).', example: 'app.js', required: false }],
    ok: { status: 200, description: 'The page (or the file asked for).', contentType: 'text/html' },
    errors: { shape: 'Error', statuses: [404, 405] },
  },
  {
    fn: 'openapi', method: 'get', path: '/openapi.json', tag: 'Pages', public: true,
    summary: 'This document',
    description: 'OpenAPI 3.1.',
    ok: { status: 200, description: 'The document.', schema: 'OpenAPIDocument' },
    errors: { shape: 'Error', statuses: [405] },
  },
  {
    fn: 'docs', method: 'get', path: '/docs', tag: 'Pages', public: true,
    summary: 'API reference',
    description: 'This document rendered by Swagger UI, served from the gateway (files at `?asset=<name>`).',
    parameters: [{ name: 'asset', in: 'query', description: 'One of the page\'s files.', example: 'init.js', required: false }],
    ok: { status: 200, description: 'The page.', contentType: 'text/html' },
    errors: { shape: 'Error', statuses: [404, 405] },
  },
];

const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });

const modelHeaders = {
  'x-embedding-model': { description: 'The model that made the vectors.', schema: { type: 'string' } },
  'x-embedding-provider': { description: '`vertex` or `local`.', schema: { type: 'string' } },
  'x-embedding-fallback': { description: 'Present when the bundled model answered for Vertex: the reason.', schema: { type: 'string' } },
};

function operationObject(op: Operation, servers: { url: string }[] | undefined): Json {
  const responses: Json = {
    [String(op.ok.status)]: {
      description: op.ok.description,
      ...(op.ok.headers ? { headers: modelHeaders } : {}),
      ...(op.ok.schema ? { content: { [op.ok.contentType ?? 'application/json']: { schema: { $ref: `#/components/schemas/${op.ok.schema}` }, ...(op.ok.example ? { example: op.ok.example } : {}) } } } : {}),
      ...(op.ok.contentType && !op.ok.schema ? { content: { [op.ok.contentType]: { schema: { type: 'string' } } } } : {}),
    },
  };
  for (const status of op.errors.statuses) {
    responses[String(status)] = {
      description: statusText[status] ?? 'Error.',
      ...(status === 429 ? { headers: { 'retry-after': { description: 'Seconds to wait.', schema: { type: 'string' } } } } : {}),
      ...(status === 401 ? { headers: { 'www-authenticate': { description: '`Bearer realm="embedding-gateway"`.', schema: { type: 'string' } } } } : {}),
      content: { ...json(op.errors.shape), ...(op.errors.text ? { 'text/plain': { schema: { type: 'string' } } } : {}) },
    };
  }
  return {
    operationId: op.fn,
    'x-function': op.fn,
    tags: [op.tag],
    summary: op.summary,
    description: op.description,
    ...(op.public ? { security: [] } : {}),
    ...(servers ? { servers } : {}),
    ...(op.parameters ? {
      parameters: op.parameters.map((p) => ({
        name: p.name, in: p.in, required: p.in === 'path' ? true : p.required ?? false, description: p.description, schema: { type: 'string' }, example: p.example,
      })),
    } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body.schema}` }, examples: op.body.examples } } } } : {}),
    responses,
  };
}

export interface DocumentOptions {
  /** Deployed function URLs by function name: each operation then names its own server. */
  routeUrls?: Record<string, string>;
  version?: string;
}

/**
 * Deployed, each function has its own URL and answers whatever path follows it (vertexPredict
 * reads its Vertex path there), so the function's URL is its operations' server.
 */
function serversFor(op: Operation, routeUrls: Record<string, string>): { url: string }[] | undefined {
  const url = routeUrls[op.fn];
  return url ? [{ url: url.replace(/\/$/, '') }] : undefined;
}

export function openapiDocument(options: DocumentOptions = {}): Json {
  const paths: Record<string, Json> = {};
  for (const op of operations) {
    (paths[op.path] ??= {})[op.method] = operationObject(op, serversFor(op, options.routeUrls ?? {}));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Embedding gateway',
      version: options.version ?? '0.1.0',
      summary: 'Text in, vectors out: Vertex AI with a bundled bge-small-zh-v1.5 fallback.',
      description: 'Every answer names the model that made its vectors, the provider, and whether it fell back. Errors come in one shape, `{"error": {"type", "message", "field"}}` (OpenAI\'s and Google\'s shapes on their compatible routes). Credentials: an API key (`x-api-key`, or `Authorization: Bearer`), or a Google ID token, as `AUTH_MODE` says; none when it is `none`.',
    },
    servers: [{ url: '/', description: 'This gateway' }],
    tags: [
      { name: 'Native', description: 'The gateway\'s own API.' },
      { name: 'OpenAI-compatible', description: 'For OpenAI SDKs and LangChain: base URL `<gateway>/v1`.' },
      { name: 'Vertex-compatible', description: 'For Vertex AI REST callers and SDKs.' },
      { name: 'Batch', description: 'Pub/Sub jobs.' },
      { name: 'Operations', description: 'Probes.' },
      { name: 'Pages', description: 'The playground and this reference.' },
    ],
    security: [{ apiKey: [] }, { bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A gateway API key (`AUTH_MODE` includes `api_key`).' },
        bearer: { type: 'http', scheme: 'bearer', description: 'A gateway API key, or a Google ID token (`AUTH_MODE` includes `google_id_token`).' },
      },
      schemas,
    },
  };
}

/** Function names the document describes (test/openapi compares them with shared/routes.ts). */
export const documentedFunctions = [...new Set(operations.map((op) => op.fn))];
