/**
 * A fake Vertex AI PredictionService that the real `@google-cloud/aiplatform` client talks to, over
 * gRPC (a @grpc/grpc-js server built from the protos inside the aiplatform package) or REST (the
 * HTTP/1.1 JSON mapping the client's `fallback: true` mode speaks). It behaves like Google as
 * VERTEX.md describes it: 250 instances and 20,000 tokens per call, texts cut at 2,048 tokens
 * (INVALID_ARGUMENT instead when `autoTruncate` is false), `outputDimensionality` validated, and
 * Google's own error messages.
 *
 *   const fake = await startFakeVertex({ transport: 'grpc' });   // or 'rest'
 *   const server = await startTestServer({ ...fake.env });       // the gateway now uses the fake
 *   fake.calls            // every predict received: { model, instances, tokens, dimensions, autoTruncate, result }
 *   fake.maxInFlight()    // most calls in progress at once since the last reset
 *   fake.fail(429, { times: 5 })   // next 5 calls answer RESOURCE_EXHAUSTED (also 503, 500, 400, 'token-limit')
 *   fake.fail(503, { times: Infinity })  // until fake.reset()
 *   fake.hang({ times: 1 }) // next call never answers (the client must give up)
 *   fake.pass({ times: 1 }) // next call answers normally (then the injections queued after it apply)
 *   fake.latency(50)        // every call waits 50 ms first
 *   fake.reset()            // forget calls, injections and latency
 *   await fake.close()
 *
 * Vectors are deterministic unit vectors of the asked size, a function of model, task, title and
 * the (cut) text, so the same input always gets the same vector. `fakeTokens(text)` is the fake's
 * tokenizer: one token per CJK character, per four letters of a word, per other symbol.
 * `fakeEmbedding(model, task, text, dims)` is the vector the fake returns for a text, for assertions.
 * `fake.limits` is live: lower `maxTokensPerCall` mid-test to make Vertex stricter than the gateway.
 *
 * `embedContent` (the gemini-embedding-2 family, which `:predict` refuses): one content of text
 * parts per call, cut at 8,192 tokens (INVALID_ARGUMENT instead when `autoTruncate` is false),
 * `outputDimensionality` validated, `usageMetadata.promptTokenCount` and `truncated` answered;
 * the same injections apply, and its calls are recorded with `method: 'embedContent'`.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface FakeLimits {
  maxInstancesPerCall: number;
  maxTokensPerCall: number;
  maxTokensPerText: number;
}

export interface FakeCall {
  method: 'predict' | 'embedContent';
  model: string;
  instances: number;
  /** Tokens the fake counted for the call, after cutting each text at the per-text limit. */
  tokens: number;
  dimensions?: number;
  autoTruncate: boolean;
  taskTypes: string[];
  titles: number;
  /** 'ok', a status name like 'RESOURCE_EXHAUSTED', or 'hang'. */
  result: string;
}

type Failure = 429 | 503 | 500 | 400 | 'token-limit';

export interface FakeVertex {
  transport: 'grpc' | 'rest';
  port: number;
  /** Environment for the gateway's config (shared/config.ts). */
  env: Record<string, string>;
  calls: FakeCall[];
  limits: FakeLimits;
  maxInFlight(): number;
  fail(failure: Failure, options?: { times?: number; message?: string }): void;
  hang(options?: { times?: number }): void;
  /** The next calls answer normally: places a later injection further into a sequence of calls. */
  pass(options?: { times?: number }): void;
  latency(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

const MODELS: Record<string, number> = {
  'text-multilingual-embedding-002': 768,
  'text-embedding-005': 768,
  'text-embedding-004': 768,
  'gemini-embedding-001': 3072,
  'gemini-embedding-2-preview': 3072,
};
/** Models served only by embedContent, with their per-text token limit. */
const EMBED_CONTENT_MODELS: Record<string, { maxTokensPerText: number }> = {
  'gemini-embedding-2-preview': { maxTokensPerText: 8192 },
};
const TASKS = new Set(['RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION', 'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY']);

const STATUS = {
  INVALID_ARGUMENT: { grpc: 3, http: 400 },
  NOT_FOUND: { grpc: 5, http: 404 },
  RESOURCE_EXHAUSTED: { grpc: 8, http: 429 },
  INTERNAL: { grpc: 13, http: 500 },
  UNAVAILABLE: { grpc: 14, http: 503 },
} as const;
type StatusName = keyof typeof STATUS;

class FakeStatus extends Error {
  constructor(readonly status: StatusName, message: string) {
    super(message);
  }
}

const QUOTA_MESSAGE = 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: textembedding-gecko. Please submit a quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.';
const tokenLimitMessage = (count: number, limit: number) =>
  `Unable to submit request because the input token count is ${count} but the model supports up to ${limit}. Reduce the input token count and try again. You can also use the CountTokens API to calculate prompt token count and billable characters.`;

const TOKEN = /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}|[\p{L}\p{N}\p{M}]{1,4}|\S/gu;

export function fakeTokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export const fakeTokens = (text: string): number => fakeTokenize(text).length;

/**
 * The fake's vector for a text: deterministic, `dims` long. Like Vertex's, the full-size vector
 * is unit length and a reduced one is its head, cut and not rescaled (Google's docs tell
 * callers to normalise vectors of fewer dimensions themselves).
 */
export function fakeVector(seed: string, full: number, dims: number): number[] {
  const digest = createHash('sha256').update(seed).digest();
  let state = digest.readUInt32LE(0) ^ digest.readUInt32LE(4);
  const values: number[] = [];
  for (let i = 0; i < full; i++) {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    values.push(((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5);
  }
  const norm = Math.hypot(...values) || 1;
  return values.slice(0, dims).map((v) => v / norm);
}

/** The vector the fake answers for one instance (model, task, optional title, text). */
export function fakeEmbedding(model: string, task: string, text: string, dims?: number, title?: string, maxTokensPerText = EMBED_CONTENT_MODELS[model]?.maxTokensPerText ?? 2048): number[] {
  const full = MODELS[model] ?? 768;
  const seed = [model, task, title ? fakeTokenize(title).join('') : '', fakeTokenize(text).slice(0, maxTokensPerText).join('\u0001')].join('\u0000');
  return fakeVector(seed, full, dims ?? full);
}

type Injection = { kind: 'fail'; failure: Failure; message?: string; left: number } | { kind: 'hang'; left: number } | { kind: 'pass'; left: number };

interface PredictResult {
  predictions: unknown[];
  metadata: Record<string, unknown>;
}

interface EmbedContentRequest {
  model: string;
  texts: unknown[];
  config: { taskType?: unknown; title?: unknown; autoTruncate?: unknown; outputDimensionality?: unknown };
}

interface EmbedContentResult {
  embedding: { values: number[] };
  usageMetadata: { promptTokenCount: number; totalTokenCount: number };
  truncated: boolean;
}

export async function startFakeVertex(options: { transport?: 'grpc' | 'rest'; limits?: Partial<FakeLimits> } = {}): Promise<FakeVertex> {
  const transport = options.transport ?? 'grpc';
  const limits: FakeLimits = { maxInstancesPerCall: 250, maxTokensPerCall: 20_000, maxTokensPerText: 2048, ...options.limits };
  const calls: FakeCall[] = [];
  let injections: Injection[] = [];
  let latencyMs = 0;
  let inFlight = 0;
  let peak = 0;
  const hanging = new Set<() => void>();

  function nextInjection(): Injection | undefined {
    const head = injections[0];
    if (!head) return undefined;
    head.left--;
    if (head.left <= 0) injections.shift();
    return head;
  }

  /**
   * Applies the next queued injection to a call, the same for predict and embedContent: true when
   * the call is to hang, a thrown status for a failure. Only predict knows a token-limit refusal.
   */
  function applyInjection(call: FakeCall, tokenLimitFailure?: () => FakeStatus): boolean {
    const injection = nextInjection();
    if (injection?.kind === 'hang') {
      call.result = 'hang';
      return true;
    }
    if (injection?.kind !== 'fail') return false;
    const f = injection.failure;
    if (f === 429) throw new FakeStatus('RESOURCE_EXHAUSTED', injection.message ?? QUOTA_MESSAGE);
    if (f === 503) throw new FakeStatus('UNAVAILABLE', injection.message ?? 'The service is currently unavailable.');
    if (f === 500) throw new FakeStatus('INTERNAL', injection.message ?? 'Internal error encountered.');
    if (f === 'token-limit' && tokenLimitFailure) throw tokenLimitFailure();
    throw new FakeStatus('INVALID_ARGUMENT', injection.message ?? 'Request contains an invalid argument.');
  }

  /** One predict, transport-neutral. Resolves null for a hang (the transport then never answers). */
  async function predict(endpoint: string, instances: unknown[], parameters: Record<string, unknown>): Promise<PredictResult | null> {
    const model = /publishers\/google\/models\/([^/:]+)$/.exec(endpoint)?.[1] ?? '';
    const full = MODELS[model];
    const autoTruncate = parameters.autoTruncate !== false;
    const dimensions = parameters.outputDimensionality as number | undefined;
    const list = instances as Record<string, unknown>[];
    const cut = list.map((instance) => {
      const tokens = fakeTokenize(String(instance?.content ?? ''));
      const title = typeof instance?.title === 'string' ? fakeTokenize(instance.title) : [];
      return { tokens: tokens.slice(0, limits.maxTokensPerText), count: tokens.length, title };
    });
    const tokens = cut.reduce((sum, c) => sum + Math.min(c.count, limits.maxTokensPerText) + c.title.length, 0);
    const call: FakeCall = {
      method: 'predict', model, instances: list.length, tokens, ...(dimensions !== undefined ? { dimensions } : {}), autoTruncate,
      taskTypes: list.map((i) => String(i?.task_type ?? '')), titles: list.filter((i) => i?.title !== undefined).length, result: 'ok',
    };
    calls.push(call);
    peak = Math.max(peak, ++inFlight);
    try {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const tokenLimit = () => new FakeStatus('INVALID_ARGUMENT', tokenLimitMessage(tokens, Math.min(limits.maxTokensPerCall, tokens - 1)));
      if (applyInjection(call, tokenLimit)) return null;
      if (full === undefined) throw new FakeStatus('NOT_FOUND', `Publisher Model \`${endpoint}\` not found.`);
      if (EMBED_CONTENT_MODELS[model]) throw new FakeStatus('INVALID_ARGUMENT', `${model} does not support predict; use embedContent.`);
      if (list.length === 0) throw new FakeStatus('INVALID_ARGUMENT', 'instances must not be empty.');
      if (list.length > limits.maxInstancesPerCall) {
        throw new FakeStatus('INVALID_ARGUMENT', `${limits.maxInstancesPerCall} instance(s) is allowed per prediction. Actual: ${list.length}`);
      }
      list.forEach((instance, i) => {
        if (typeof instance?.content !== 'string') throw new FakeStatus('INVALID_ARGUMENT', `instances[${i}].content must be a string.`);
        if (instance.task_type !== undefined && !TASKS.has(String(instance.task_type))) {
          throw new FakeStatus('INVALID_ARGUMENT', `Invalid task_type: ${String(instance.task_type)}`);
        }
      });
      if (dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > full)) {
        throw new FakeStatus('INVALID_ARGUMENT', `Invalid value for outputDimensionality: ${dimensions}. It must be between 1 and ${full}.`);
      }
      const tooLong = cut.findIndex((c) => c.count > limits.maxTokensPerText);
      if (!autoTruncate && tooLong >= 0) {
        throw new FakeStatus('INVALID_ARGUMENT', `Input at index ${tooLong} has ${cut[tooLong]!.count} tokens, longer than the maximum of ${limits.maxTokensPerText} tokens; set autoTruncate to true to truncate it.`);
      }
      if (tokens > limits.maxTokensPerCall) throw new FakeStatus('INVALID_ARGUMENT', tokenLimitMessage(tokens, limits.maxTokensPerCall));
      return {
        predictions: list.map((instance, i) => {
          const c = cut[i]!;
          const seed = [model, instance.task_type ?? '', c.title.join(''), c.tokens.join('\u0001')].join('\u0000');
          return {
            embeddings: {
              values: fakeVector(seed, full, dimensions ?? full),
              statistics: { token_count: c.tokens.length, truncated: c.count > limits.maxTokensPerText },
            },
          };
        }),
        metadata: { billableCharacterCount: list.reduce((sum, i) => sum + String(i.content).replace(/\s/g, '').length, 0) },
      };
    } catch (error) {
      if (error instanceof FakeStatus) call.result = error.status;
      throw error;
    } finally {
      inFlight--;
    }
  }

  /** One embedContent, transport-neutral; null for a hang. */
  async function embedContent(request: EmbedContentRequest): Promise<EmbedContentResult | null> {
    const model = /publishers\/google\/models\/([^/:]+)$/.exec(request.model)?.[1] ?? '';
    const own = EMBED_CONTENT_MODELS[model];
    const full = MODELS[model];
    const { config } = request;
    const autoTruncate = config.autoTruncate !== false;
    const dimensions = config.outputDimensionality as number | undefined;
    const text = request.texts.map(String).join('\n');
    const title = typeof config.title === 'string' ? fakeTokenize(config.title) : [];
    const all = fakeTokenize(text);
    const limit = own?.maxTokensPerText ?? limits.maxTokensPerText;
    const cut = all.slice(0, limit);
    const task = config.taskType === undefined || config.taskType === 'UNSPECIFIED' ? '' : String(config.taskType);
    const call: FakeCall = {
      method: 'embedContent', model, instances: 1, tokens: cut.length + title.length, ...(dimensions !== undefined ? { dimensions } : {}), autoTruncate,
      taskTypes: [task], titles: title.length > 0 ? 1 : 0, result: 'ok',
    };
    calls.push(call);
    peak = Math.max(peak, ++inFlight);
    try {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (applyInjection(call)) return null;
      if (full === undefined) throw new FakeStatus('NOT_FOUND', `Publisher Model \`${request.model}\` not found.`);
      if (!own) throw new FakeStatus('INVALID_ARGUMENT', `${model} does not support embedContent; use predict.`);
      if (request.texts.length === 0) throw new FakeStatus('INVALID_ARGUMENT', 'content.parts must not be empty.');
      if (request.texts.some((t) => typeof t !== 'string')) throw new FakeStatus('INVALID_ARGUMENT', 'Only text parts are supported.');
      if (task !== '' && !TASKS.has(task)) throw new FakeStatus('INVALID_ARGUMENT', `Invalid task_type: ${task}`);
      if (dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > full)) {
        throw new FakeStatus('INVALID_ARGUMENT', `Invalid value for outputDimensionality: ${dimensions}. It must be between 1 and ${full}.`);
      }
      if (!autoTruncate && all.length > limit) {
        throw new FakeStatus('INVALID_ARGUMENT', `The input has ${all.length} tokens, longer than the maximum of ${limit} tokens; set autoTruncate to true to truncate it.`);
      }
      const seed = [model, task, title.join(''), cut.join('\u0001')].join('\u0000');
      return {
        embedding: { values: fakeVector(seed, full, dimensions ?? full) },
        usageMetadata: { promptTokenCount: cut.length + title.length, totalTokenCount: cut.length + title.length },
        truncated: all.length > limit,
      };
    } catch (error) {
      if (error instanceof FakeStatus) call.result = error.status;
      throw error;
    } finally {
      inFlight--;
    }
  }

  const server = transport === 'grpc' ? await grpcServer(predict, embedContent, hanging) : await restServer(predict, embedContent, hanging);
  return {
    transport,
    port: server.port,
    env: {
      GOOGLE_CLOUD_PROJECT: 'fake-proj',
      VERTEX_LOCATION: 'us-central1',
      VERTEX_API_ENDPOINT: '127.0.0.1',
      VERTEX_PORT: String(server.port),
      VERTEX_TRANSPORT: transport,
      VERTEX_INSECURE: 'true',
    },
    calls,
    limits,
    maxInFlight: () => peak,
    fail(failure, { times = 1, message } = {}) {
      injections.push({ kind: 'fail', failure, message, left: times });
    },
    hang({ times = 1 } = {}) {
      injections.push({ kind: 'hang', left: times });
    },
    pass({ times = 1 } = {}) {
      injections.push({ kind: 'pass', left: times });
    },
    latency(ms) {
      latencyMs = ms;
    },
    reset() {
      calls.length = 0;
      peak = 0;
      injections = [];
      latencyMs = 0;
    },
    async close() {
      for (const release of hanging) release();
      await server.close();
    },
  };
}

type Predict = (endpoint: string, instances: unknown[], parameters: Record<string, unknown>) => Promise<PredictResult | null>;
type EmbedContent = (request: EmbedContentRequest) => Promise<EmbedContentResult | null>;

// EmbeddingTaskType's numbers: the REST client sends enums as numbers ($alt=json;enum-encoding=int).
const TASK_NUMBERS = ['UNSPECIFIED', '', 'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION', 'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY'];
const taskName = (value: unknown) => (typeof value === 'number' ? TASK_NUMBERS[value] ?? String(value) : value);

/** EmbedContentRequest in proto3 JSON (camelCase) or as proto-loader hands it over; the deprecated top-level fields too. */
function embedContentRequest(body: any): EmbedContentRequest {
  const config = body.embedContentConfig ?? body.embed_content_config ?? {};
  const pick = (camel: string, snake: string) => config[camel] ?? config[snake] ?? body[camel] ?? body[snake];
  return {
    model: String(body.model ?? ''),
    texts: (body.content?.parts ?? []).map((p: any) => p?.text),
    config: {
      taskType: taskName(pick('taskType', 'task_type')), title: pick('title', 'title'),
      autoTruncate: pick('autoTruncate', 'auto_truncate'), outputDimensionality: pick('outputDimensionality', 'output_dimensionality'),
    },
  };
}

// google.protobuf.Value <-> plain JSON, for the gRPC transport.
function fromValue(v: any): unknown {
  if (!v) return null;
  if (v.structValue) return Object.fromEntries(Object.entries(v.structValue.fields ?? {}).map(([k, x]) => [k, fromValue(x)]));
  if (v.listValue) return (v.listValue.values ?? []).map(fromValue);
  if ('numberValue' in v) return v.numberValue;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  return null;
}

function toValue(x: unknown): unknown {
  if (x === null || x === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof x === 'number') return { numberValue: x };
  if (typeof x === 'string') return { stringValue: x };
  if (typeof x === 'boolean') return { boolValue: x };
  if (Array.isArray(x)) return { listValue: { values: x.map(toValue) } };
  return { structValue: { fields: Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, toValue(v)])) } };
}

async function grpcServer(predict: Predict, embedContent: EmbedContent, hanging: Set<() => void>): Promise<{ port: number; close(): Promise<void> }> {
  const require = createRequire(import.meta.url);
  const aiplatformProtos = path.join(path.dirname(require.resolve('@google-cloud/aiplatform/package.json')), 'build/protos');
  const gaxProtos = path.join(path.dirname(path.dirname(path.dirname(require.resolve('google-gax')))), 'build/protos');
  const definition = protoLoader.loadSync('google/cloud/aiplatform/v1/prediction_service.proto', {
    includeDirs: [aiplatformProtos, gaxProtos], longs: Number, enums: String, defaults: false, oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as any;
  const server = new grpc.Server();
  // One way to answer a unary call: the reply, a hang (null) until the caller gives up or the
  // server closes, or the fake's status as the gRPC code Google would send.
  const answer = <T>(call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>, work: Promise<T | null>, reply: (result: T) => unknown) => {
    work.then(
      (result) => {
        if (result === null) {
          // Never answer; the client must give up. Released at close so the server can stop.
          const release = () => callback({ code: grpc.status.UNAVAILABLE, details: 'fake closing' });
          hanging.add(release);
          call.on('cancelled', () => hanging.delete(release));
          return;
        }
        callback(null, reply(result));
      },
      (error) => callback(error instanceof FakeStatus
        ? { code: STATUS[error.status].grpc, details: error.message }
        : { code: grpc.status.INTERNAL, details: String(error) }),
    );
  };
  server.addService(pkg.google.cloud.aiplatform.v1.PredictionService.service, {
    Predict(call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) {
      const request = call.request;
      answer(call, callback, predict(request.endpoint, (request.instances ?? []).map(fromValue), (fromValue(request.parameters) as Record<string, unknown>) ?? {}),
        (result) => ({ predictions: result.predictions.map(toValue), metadata: toValue(result.metadata) }));
    },
    EmbedContent(call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) {
      answer(call, callback, embedContent(embedContentRequest(call.request)), (result) => result);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))));
  return {
    port,
    close: () => new Promise((resolve) => {
      server.forceShutdown();
      resolve();
    }),
  };
}

async function restServer(predict: Predict, embedContent: EmbedContent, hanging: Set<() => void>): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const match = /^\/v1\/(.+):predict$/.exec(path);
      const embedMatch = /^\/v1\/(.+):embedContent$/.exec(path);
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      const error = (name: StatusName, message: string) => send(STATUS[name].http, { error: { code: STATUS[name].http, message, status: name } });
      if (req.method !== 'POST' || (!match && !embedMatch)) return error('NOT_FOUND', `No route ${req.method} ${req.url}`);
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return error('INVALID_ARGUMENT', 'Invalid JSON payload received.');
      }
      const hangOr = (send: () => void) => (result: unknown) => {
        if (result === null) {
          const release = () => res.destroy();
          hanging.add(release);
          res.on('close', () => hanging.delete(release));
          return;
        }
        send();
      };
      if (embedMatch) {
        embedContent(embedContentRequest({ ...body, model: decodeURIComponent(embedMatch[1]!) })).then(
          (result) => hangOr(() => send(200, result))(result),
          (e) => (e instanceof FakeStatus ? error(e.status, e.message) : error('INTERNAL', String(e))),
        );
        return;
      }
      predict(decodeURIComponent(match![1]!), body.instances ?? [], body.parameters ?? {}).then(
        (result) => {
          if (result === null) {
            const release = () => res.destroy();
            hanging.add(release);
            res.on('close', () => hanging.delete(release));
            return;
          }
          send(200, result);
        },
        (e) => (e instanceof FakeStatus ? error(e.status, e.message) : error('INTERNAL', String(e))),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
