// Model Garden's PublisherModel (GET /v1/publishers/google/models/{m}), which the Vertex SDKs
// fetch before their first `:predict` (Python's TextEmbeddingModel.from_pretrained reads
// `name`, `publisherModelTemplate` and `predictSchemata.instanceSchemaUri`). Answered for every
// model id the gateway serves, so the SDK's endpoint leads back to this gateway's `:predict`.
import { describeModel } from '../catalog/models.js';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';

// The schema URI the SDK maps to TextEmbeddingModel; the others are Vertex's own for text embeddings.
const SCHEMA = 'gs://google-cloud-aiplatform/schema/predict';
const TEXT_EMBEDDING = {
  instanceSchemaUri: `${SCHEMA}/instance/text_embedding_1.0.0.yaml`,
  parametersSchemaUri: `${SCHEMA}/params/text_embedding_1.0.0.yaml`,
  predictionSchemaUri: `${SCHEMA}/prediction/text_embedding_1.0.0.yaml`,
};

// Selectors that stand for "whatever is configured", not a model a client could pin.
const NOT_MODEL_IDS = new Set(['auto', 'vertex']);

/** The `{model}` segment of `.../publishers/google/models/{model}` (a GET, so no `:verb`), or null. */
export function publisherModelFromPath(path: string): string | null {
  const match = /\/publishers\/google\/models\/([^/:]+)\/?$/.exec(path);
  return match ? decodeURIComponent(match[1]!) : null;
}

export function publisherModel(gw: Gateway, id: string) {
  const served = NOT_MODEL_IDS.has(id) ? null : describeModel(gw, id);
  if (!served) {
    throw new GatewayError('not_found', `Publisher Model \`publishers/google/models/${id}\` not found on this gateway`, { field: 'model' });
  }
  return {
    name: `publishers/google/models/${id}`,
    versionId: served.provider === 'local' ? served.model.split('@')[1] ?? '001' : '001',
    openSourceCategory: served.provider === 'local' ? 'THIRD_PARTY_OWNED_OSS' : 'PROPRIETARY',
    launchStage: 'GA',
    versionState: 'VERSION_STATE_STABLE',
    // The SDK fills in its own project and location, and sends `:predict` there: to this gateway.
    publisherModelTemplate: `projects/{user-project}/locations/{location}/publishers/google/models/${id}`,
    predictSchemata: TEXT_EMBEDDING,
  };
}
