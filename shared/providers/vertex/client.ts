// The one place that talks to Vertex AI: the real `@google-cloud/aiplatform` v1
// PredictionServiceClient, created on first use. The deep import skips the package index, which
// loads every Vertex service (measured in bench/vertex-cold-start.bench.ts).
import { createRequire } from 'node:module';
import { lazy } from '../../lazy.js';

/** REST or gRPC to Vertex (VERTEX_TRANSPORT). */
export type VertexTransport = 'grpc' | 'rest';

export interface PredictCall {
  /** `projects/P/locations/L/publishers/google/models/M` */
  endpoint: string;
  instances: Record<string, unknown>[];
  parameters: Record<string, unknown>;
}

export interface PredictAnswer {
  predictions: Record<string, any>[];
  metadata: Record<string, any> | undefined;
}

/** One `embedContent` call: one text (the gemini-embedding-2 family takes one content per call). */
export interface EmbedContentCall {
  /** `projects/P/locations/L/publishers/google/models/M` */
  model: string;
  text: string;
  taskType: string;
  title?: string;
  autoTruncate: boolean;
  outputDimensionality?: number;
}

export interface EmbedContentAnswer {
  values: number[];
  /** usage_metadata.prompt_token_count, when Vertex sends it. */
  tokens: number | undefined;
  truncated: boolean;
}

export interface VertexClient {
  readonly transport: VertexTransport;
  /** Rejects with the client's own error (a GoogleError with a gRPC `code`) or a timeout. */
  predict(call: PredictCall, options: { timeoutMs: number; signal?: AbortSignal }): Promise<PredictAnswer>;
  /** PredictionServiceClient.embedContent; rejects like predict. */
  embedContent(call: EmbedContentCall, options: { timeoutMs: number; signal?: AbortSignal }): Promise<EmbedContentAnswer>;
  /** True once the client library has been loaded (for /healthz and the cold-start bench). */
  loaded(): boolean;
  close(): Promise<void>;
}

export interface VertexClientSettings {
  transport: VertexTransport;
  location: string;
  apiEndpoint: string | null;
  port: number | null;
  /** Plain text, no credentials: only for a local fake of Vertex. */
  insecure: boolean;
  /** An auth client to use instead of Application Default Credentials (tests, tools). */
  authClient?: unknown;
}

/** Raised when our own timer gives up on a call; classified as a deadline like DEADLINE_EXCEEDED. */
export class CallTimeoutError extends Error {
  readonly code = 4;
  constructor(timeoutMs: number) {
    super(`Vertex AI did not answer within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

/** The google-gax copy the client library itself uses (its gRPC credentials must match it). */
function clientGax(): any {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('@google-cloud/aiplatform'))('google-gax');
}

type Pending = Promise<[any, ...unknown[]]> & { cancel?: () => void };
type Client = {
  predict(request: unknown, options: unknown): Pending;
  embedContent(request: unknown, options: unknown): Pending;
  close(): Promise<void>;
};
type Helpers = { toValue(v: unknown): unknown; fromValue(v: unknown): any };

async function loadClient(settings: VertexClientSettings): Promise<{ client: Client; helpers: Helpers }> {
  const [{ PredictionServiceClient }, helpers] = await Promise.all([
    import('@google-cloud/aiplatform/build/src/v1/prediction_service_client.js'),
    import('@google-cloud/aiplatform/build/src/helpers.js'),
  ]);
  const apiEndpoint = settings.apiEndpoint ?? `${settings.location}-aiplatform.googleapis.com`;
  const options: Record<string, unknown> = { apiEndpoint, ...(settings.port ? { port: settings.port } : {}) };
  if (settings.transport === 'rest') {
    // HTTP/1.1 + JSON. (Handing the client gax's fallback build would not spare loading gRPC:
    // the client module requires google-gax itself.)
    options.fallback = true;
    if (settings.insecure) options.protocol = 'http';
  } else if (settings.insecure) {
    options.sslCreds = clientGax().grpc.credentials.createInsecure();
  }
  if (settings.authClient) {
    options.authClient = settings.authClient;
  } else if (settings.insecure) {
    // With no auth client the REST mode looks up ADC, and its rejection can crash the process.
    const { PassThroughClient } = await import('google-auth-library');
    options.authClient = new PassThroughClient();
  } else {
    const { GoogleAuth } = await import('google-auth-library');
    options.auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  }
  const client = new PredictionServiceClient(options as any) as unknown as Client;
  return { client, helpers: helpers as unknown as Helpers };
}

export function createVertexClient(settings: VertexClientSettings): VertexClient {
  const get = lazy(() => loadClient(settings));

  return {
    transport: settings.transport,
    loaded: () => get.loaded(),
    async predict(call, { timeoutMs, signal }) {
      const { client, helpers } = await get();
      signal?.throwIfAborted();
      const response = await settle(client.predict(
        { endpoint: call.endpoint, instances: call.instances.map((i) => helpers.toValue(i)), parameters: helpers.toValue(call.parameters) },
        // Retries are ours (retry.ts): the library's own would hide attempts from the breaker.
        { timeout: timeoutMs, maxRetries: 0 },
      ), timeoutMs, signal);
      return {
        predictions: (response.predictions ?? []).map((p: unknown) => helpers.fromValue(p)),
        metadata: response.metadata ? helpers.fromValue(response.metadata) : undefined,
      };
    },
    async embedContent(call, { timeoutMs, signal }) {
      const { client } = await get();
      signal?.throwIfAborted();
      const config = {
        taskType: call.taskType,
        autoTruncate: call.autoTruncate,
        ...(call.title !== undefined ? { title: call.title } : {}),
        ...(call.outputDimensionality !== undefined ? { outputDimensionality: call.outputDimensionality } : {}),
      };
      const response = await settle(client.embedContent(
        { model: call.model, content: { role: 'user', parts: [{ text: call.text }] }, embedContentConfig: config },
        { timeout: timeoutMs, maxRetries: 0 },
      ), timeoutMs, signal);
      const tokens = response.usageMetadata?.promptTokenCount;
      return {
        values: Array.from(response.embedding?.values ?? [], Number),
        tokens: tokens === undefined || tokens === null ? undefined : Number(tokens),
        truncated: Boolean(response.truncated),
      };
    },
    async close() {
      const started = get.started();
      if (started) await (await started).client.close();
    },
  };
}

/**
 * The call's answer, or our own timeout, or the caller's abort: whichever comes first. On the
 * latter two the call is cancelled where the library hands back gax's cancellable promise;
 * otherwise an abandoned call ends at the library's own timeout, the same one.
 */
async function settle(pending: Pending, timeoutMs: number, signal: AbortSignal | undefined): Promise<any> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const [response] = await Promise.race([
      pending,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          pending.cancel?.();
          reject(new CallTimeoutError(timeoutMs));
        }, timeoutMs);
        onAbort = () => {
          pending.cancel?.();
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    return response;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // Nobody awaits an abandoned call now.
    (pending as Promise<unknown>).catch(() => {});
  }
}
