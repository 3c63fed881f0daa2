// Every function the gateway deploys: its registered name (the Cloud Functions entry point),
// its module, and where the local dev server mounts it. Terraform and the build read this too.
export interface RouteEntry {
  /** Registered name = Cloud Functions entry point. */
  name: string;
  /** Folder under functions/. */
  dir: string;
  kind: 'http' | 'event';
  /** Dev-server path: a literal, or a pattern with `{param}` segments matched up to `/` or `:`. */
  path: string;
  /** Whether the function can run the bundled model (its bundle ships the model folder). */
  usesLocalModel: boolean;
}

export const routes: RouteEntry[] = [
  { name: 'embed', dir: 'embed', kind: 'http', path: '/embed', usesLocalModel: true },
  { name: 'health', dir: 'health', kind: 'http', path: '/healthz', usesLocalModel: true },
  { name: 'chunk', dir: 'chunk', kind: 'http', path: '/chunk', usesLocalModel: true },
  { name: 'similarity', dir: 'similarity', kind: 'http', path: '/similarity', usesLocalModel: true },
  { name: 'openaiEmbeddings', dir: 'openaiEmbeddings', kind: 'http', path: '/v1/embeddings', usesLocalModel: true },
  { name: 'vertexPredict', dir: 'vertexPredict', kind: 'http', path: '/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:predict', usesLocalModel: true },
  // Browser pages and the API reference; Terraform deploys these only with `playground = true`.
  { name: 'playground', dir: 'playground', kind: 'http', path: '/', usesLocalModel: false },
  { name: 'openapi', dir: 'openapi', kind: 'http', path: '/openapi.json', usesLocalModel: false },
  { name: 'docs', dir: 'docs', kind: 'http', path: '/docs', usesLocalModel: false },
  { name: 'openaiModels', dir: 'openaiModels', kind: 'http', path: '/v1/models', usesLocalModel: true },
  { name: 'openaiModel', dir: 'openaiModel', kind: 'http', path: '/v1/models/{model}', usesLocalModel: true },
  { name: 'publisherModel', dir: 'publisherModel', kind: 'http', path: '/v1/publishers/google/models/{model}', usesLocalModel: true },
  { name: 'projectPublisherModel', dir: 'projectPublisherModel', kind: 'http', path: '/v1/projects/{project}/locations/{location}/publishers/google/models/{model}', usesLocalModel: true },
  { name: 'vertexEmbedContent', dir: 'vertexEmbedContent', kind: 'http', path: '/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:embedContent', usesLocalModel: true },
  { name: 'embedBatch', dir: 'embedBatch', kind: 'event', path: '/projects/{project}/topics/{topic}', usesLocalModel: true },
  { name: 'jobStatus', dir: 'jobStatus', kind: 'http', path: '/jobs/{job_id}', usesLocalModel: false },
];
