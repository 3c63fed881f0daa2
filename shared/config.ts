// The one place that reads process.env. Every setting is parsed and validated once, at cold
// start (shared/gateway.ts builds the gateway from the result); a bad value stops start-up with a
// message that names the variable. Tests pass their own settings: loadConfig({ API_KEYS: ... }).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routes } from './routes.js';
import type { CallerPolicies, CallerPolicy } from './limits/policy.js';
import { defaultOpenAIModels } from './openai/aliases.js';
import { taskTypes, type TaskType } from './providers/types.js';
import type { VertexTransport } from './providers/vertex/client.js';
import { vertexDefaultLimits, vertexModelLimits, type VertexModelLimits } from './providers/vertex/models.js';

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export type AuthMode = 'api_key' | 'google_id_token';
export type CacheStoreKind = 'none' | 'firestore' | 'redis';
export type BatchStateStoreKind = 'memory' | 'firestore' | 'redis';
export type LimitStoreKind = 'memory' | 'redis';

export interface Config {
  production: boolean;
  port: number;
  logLevel: 'debug' | 'info' | 'warning' | 'error';
  limits: {
    maxBodyBytes: number;
    /** Per-function body limits (by registered name), overriding maxBodyBytes. */
    routeBodyBytes: Record<string, number>;
    maxInputs: number;
    maxTextChars: number;
    requestTimeoutMs: number;
  };
  local: {
    modelDir: string;
    maxBatchSize: number;
    maxBatchTokens: number;
    maxQueuedTexts: number;
    /** How long a request may wait for room in a full local queue before its 429. */
    queueWaitMs: number;
    /** Texts that may wait for room at once (all waiting requests); past it, 429 at once. */
    maxWaitingTexts: number;
    coalesce: boolean;
    threads: number;
    workers: number;
  };
  vertex: {
    /** Null when no Google Cloud project is configured: the gateway runs on the bundled model. */
    project: string | null;
    location: string;
    model: string;
    apiEndpoint: string | null;
    port: number | null;
    transport: VertexTransport;
    /** Plain-text (no TLS, no credentials) connection: only for a local fake of Vertex. */
    insecure: boolean;
    limits: VertexModelLimits;
    /** Per-model overrides, e.g. gemini-embedding-001 taking fewer instances per call. */
    modelLimits: Record<string, Partial<VertexModelLimits>>;
    concurrency: number;
    timeoutMs: number;
    retries: number;
    retryBaseMs: number;
    breakerFailures: number;
    breakerCooldownMs: number;
  };
  fallback: boolean;
  defaultTask: TaskType;
  cache: {
    l1Bytes: number;
    store: CacheStoreKind;
    ttlSeconds: number;
    timeoutMs: number;
    redisUrl: string;
    firestoreCollection: string;
    firestoreDatabase: string;
  };
  chunking: {
    overlapTokens: number;
    /** Chunks one request may make (/chunk, or all inputs' chunks under long_text). */
    maxChunks: number;
    /** overlap_tokens may be at most this percent of max_tokens: bounds the answer to about twice the text. */
    maxOverlapPercent: number;
    /** Bytes the token-count memo of the chunker may hold. */
    memoBytes: number;
  };
  auth: {
    modes: AuthMode[];
    allowUnauthenticated: boolean;
    apiKeys: { name: string; sha256: string }[];
    idTokenAudience: string | null;
    allowedPrincipals: string[];
    /** How long Google's certificates are reused while they cannot be refetched. */
    certsMaxStaleMs: number;
    /** After a failed certificate fetch, how long before the next attempt (and the retry-after sent). */
    certsRetryMs: number;
    corsOrigins: string[];
  };
  rateLimits: {
    /** Per-caller limits and permissions, by caller name ("*" for everyone else). */
    callers: CallerPolicies;
    /** redis: one count shared by every instance (at REDIS_URL); memory: each instance counts alone. */
    store: LimitStoreKind;
    /** Longest wait for the shared store before this instance decides alone. */
    timeoutMs: number;
    /** Request permits an instance takes from Redis at once, sized to what a caller's limit refills in this time (0: one round trip per request). */
    leaseMs: number;
    /** Permits per lease at most. */
    leaseMax: number;
  };
  /** The project trace ids belong to, for Cloud Logging's trace field; null: no trace field. */
  traceProject: string | null;
  openai: {
    /** OpenAI model name -> gateway model selector ("auto", "vertex", "local" or a model id). */
    models: Record<string, string>;
    /** Token ids per input when `input` holds token ids (OpenAI's own limit for its embedding models). */
    maxTokenIdsPerInput: number;
  };
  batch: {
    resultsTopic: string | null;
    maxItems: number;
    shardMaxBytes: number;
    shardMaxItems: number;
    maxAttempts: number;
    /** Where per-shard completion of batch jobs is recorded (survives redelivery to another instance only in firestore). */
    stateStore: BatchStateStoreKind;
    stateCollection: string;
    /** What a job gets when it names no `output`: shard messages, or one row per (item, model). */
    output: 'shards' | 'rows';
    /** Bytes of a gs:// input file per shard (each shard reads its byte range once). */
    inputShardBytes: number;
    /** Largest gs:// input file a job may name, checked from its metadata before reading it. */
    inputMaxBytes: number;
    /** fake-gcs-server or another local Cloud Storage (STORAGE_EMULATOR_HOST), as http://host:port. */
    storageEmulatorHost: string | null;
    /** Where the batch CLI reads job status (GET /jobs/{job_id}): the gateway's base URL, and its API key if it needs one. */
    gatewayUrl: string;
    apiKey: string | null;
    /** The Pub/Sub emulator (host:port) the client libraries talk to instead of Google, if set. */
    pubsubEmulatorHost: string | null;
  };
  web: {
    /**
     * Where the playground and the API reference send calls, by function name (shared/routes.ts):
     * deployed, every route is its own function URL. Empty: the dev server's paths, same origin.
     */
    routeUrls: Record<string, string>;
  };
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The bundled model sits beside the code: `models/` at the repo root, or in a bundle's folder. */
function defaultModelDir(): string {
  const candidates = [path.resolve(here, '../models/bge-small-zh-v1.5'), path.resolve(here, 'models/bge-small-zh-v1.5')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;
}

class Reader {
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    throw new ConfigError(name, `expected true or false, got "${raw}"`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }
}

function parseApiKeys(r: Reader): { name: string; sha256: string }[] {
  return r.list('API_KEYS').map((entry) => {
    const [name, hash, ...rest] = entry.split(':');
    if (!name || !hash || rest.length > 0 || !/^[0-9a-f]{64}$/i.test(hash)) {
      throw new ConfigError('API_KEYS', 'expected comma-separated name:sha256hex entries');
    }
    return { name, sha256: hash.toLowerCase() };
  });
}

const POLICY_KEYS = ['rpm', 'tpm', 'routes', 'models'];

function parseCallerLimits(r: Reader): CallerPolicies {
  const raw = r.raw('CALLER_LIMITS');
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('CALLER_LIMITS', 'expected JSON like {"indexer": {"rpm": 600, "tpm": 200000, "routes": ["embed"], "models": ["local"]}, "*": {"rpm": 60}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('CALLER_LIMITS', 'expected a JSON object keyed by caller name (or "*")');
  }
  const policies: CallerPolicies = {};
  for (const [caller, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError('CALLER_LIMITS', `${caller}: expected an object`);
    const policy: CallerPolicy = {};
    for (const [key, setting] of Object.entries(value as Record<string, unknown>)) {
      if (!POLICY_KEYS.includes(key)) throw new ConfigError('CALLER_LIMITS', `${caller}.${key}: unknown setting; use ${POLICY_KEYS.join(', ')}`);
      if (key === 'rpm' || key === 'tpm') {
        if (!Number.isInteger(setting) || (setting as number) < 1) throw new ConfigError('CALLER_LIMITS', `${caller}.${key}: expected a positive whole number`);
        policy[key] = setting as number;
      } else {
        if (!Array.isArray(setting) || setting.some((s) => typeof s !== 'string' || s === '')) {
          throw new ConfigError('CALLER_LIMITS', `${caller}.${key}: expected a list of names`);
        }
        if (key === 'routes') {
          const unknown = (setting as string[]).filter((route) => !routes.some((known) => known.name === route && known.kind === 'http'));
          if (unknown.length > 0) throw new ConfigError('CALLER_LIMITS', `${caller}.routes: unknown function ${unknown.join(', ')}; functions: ${routes.filter((r) => r.kind === 'http').map((r) => r.name).join(', ')}`);
        }
        policy[key as 'routes' | 'models'] = setting as string[];
      }
    }
    policies[caller] = policy;
  }
  return policies;
}

function parseModelMap(r: Reader, name: string, fallback: Record<string, string>): Record<string, string> {
  const entries = r.list(name);
  if (entries.length === 0) return fallback;
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const [key, value, ...rest] = entry.split('=');
    if (!key || !value || rest.length > 0) throw new ConfigError(name, 'expected comma-separated name=selector entries');
    map[key] = value;
  }
  return map;
}

function parseRouteBodyBytes(r: Reader): Record<string, number> {
  const name = 'MAX_BODY_BYTES_BY_ROUTE';
  // A Pub/Sub push carries a message of up to 10 MB, base64-encoded (4/3) inside its envelope.
  const limits: Record<string, number> = { embedBatch: 16 * 1024 * 1024 };
  for (const entry of r.list(name)) {
    const [route, bytes, ...rest] = entry.split('=').map((s) => s.trim());
    if (!route || !bytes || rest.length > 0 || !/^\d+$/.test(bytes)) throw new ConfigError(name, 'expected comma-separated function=bytes entries, e.g. chunk=1048576');
    if (!routes.some((known) => known.name === route)) throw new ConfigError(name, `unknown function "${route}"; functions: ${routes.map((known) => known.name).join(', ')}`);
    if (Number(bytes) < 1024) throw new ConfigError(name, `${route}: must be at least 1024 bytes`);
    limits[route] = Number(bytes);
  }
  return limits;
}

/** The body limit of one function: its own entry in MAX_BODY_BYTES_BY_ROUTE, else MAX_BODY_BYTES. */
export function bodyLimit(settings: Config, route: string): number {
  return settings.limits.routeBodyBytes[route] ?? settings.limits.maxBodyBytes;
}

function parseModelLimits(r: Reader): Record<string, Partial<VertexModelLimits>> {
  const raw = r.raw('VERTEX_MODEL_LIMITS');
  const defaults = vertexModelLimits;
  if (raw === undefined) return defaults;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('VERTEX_MODEL_LIMITS', 'expected JSON like {"model": {"maxInstancesPerCall": 100}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('VERTEX_MODEL_LIMITS', 'expected a JSON object keyed by model');
  }
  for (const [model, limits] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof limits !== 'object' || limits === null) throw new ConfigError('VERTEX_MODEL_LIMITS', `${model}: expected an object`);
    for (const [key, value] of Object.entries(limits)) {
      if (!['maxInstancesPerCall', 'maxTokensPerCall', 'maxTokensPerText'].includes(key)) {
        throw new ConfigError('VERTEX_MODEL_LIMITS', `${model}.${key}: unknown limit`);
      }
      if (!Number.isInteger(value) || (value as number) < 1) {
        throw new ConfigError('VERTEX_MODEL_LIMITS', `${model}.${key}: expected a positive whole number`);
      }
    }
  }
  return { ...defaults, ...(parsed as Record<string, Partial<VertexModelLimits>>) };
}

function parseRouteUrls(r: Reader): Record<string, string> {
  const raw = r.raw('ROUTE_URLS');
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('ROUTE_URLS', 'expected JSON like {"similarity": "https://host/similarity"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError('ROUTE_URLS', 'expected a JSON object keyed by function name');
  for (const [name, url] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof url !== 'string' || !/^(https?:\/\/[^/\s]+)?\/\S*$/.test(url)) {
      throw new ConfigError('ROUTE_URLS', `${name}: expected an absolute http(s) URL or a path starting with /`);
    }
  }
  return parsed as Record<string, string>;
}

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const production = r.oneOf('GATEWAY_ENV', ['development', 'production'], env.K_SERVICE ? 'production' : 'development') === 'production';
  const project = r.optionalString('GOOGLE_CLOUD_PROJECT') ?? r.optionalString('GCLOUD_PROJECT');
  const modes = r.list('AUTH_MODE').filter((m) => m !== 'none');
  for (const mode of modes) {
    if (mode !== 'api_key' && mode !== 'google_id_token') {
      throw new ConfigError('AUTH_MODE', `must be none, api_key, google_id_token or api_key,google_id_token; got "${mode}"`);
    }
  }
  const allowUnauthenticated = r.bool('ALLOW_UNAUTHENTICATED', !production);
  if (modes.length === 0 && production && !allowUnauthenticated) {
    throw new ConfigError('AUTH_MODE', 'is none in production; set AUTH_MODE, or ALLOW_UNAUTHENTICATED=true to serve without auth on purpose');
  }
  const apiKeys = parseApiKeys(r);
  if (modes.includes('api_key') && apiKeys.length === 0) {
    throw new ConfigError('API_KEYS', 'AUTH_MODE includes api_key but no keys are configured');
  }
  const idTokenAudience = r.optionalString('ID_TOKEN_AUDIENCE');
  if (modes.includes('google_id_token') && !idTokenAudience) {
    throw new ConfigError('ID_TOKEN_AUDIENCE', 'AUTH_MODE includes google_id_token but no audience is configured');
  }
  const allowedPrincipals = r.list('ID_TOKEN_ALLOWED_PRINCIPALS');
  // Anyone with a Google account can mint an ID token for any audience, so an empty list would
  // admit the whole world: it is refused rather than read as "everyone".
  if (modes.includes('google_id_token') && allowedPrincipals.length === 0) {
    throw new ConfigError('ID_TOKEN_ALLOWED_PRINCIPALS', 'AUTH_MODE includes google_id_token but no allowed emails are configured');
  }

  const config: Config = {
    production,
    port: r.int('PORT', 8080, 0, 65535),
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warning', 'error'], 'info'),
    limits: {
      maxBodyBytes: r.int('MAX_BODY_BYTES', 4 * 1024 * 1024, 1024),
      routeBodyBytes: parseRouteBodyBytes(r),
      maxInputs: r.int('MAX_INPUTS', 1000, 1),
      maxTextChars: r.int('MAX_TEXT_CHARS', 200_000, 1),
      requestTimeoutMs: r.int('REQUEST_TIMEOUT_MS', 30_000, 100),
    },
    local: {
      modelDir: path.resolve(r.string('LOCAL_MODEL_DIR', defaultModelDir())),
      // The bundled graph quantizes activations per row, so a batch gives every text the vector it
      // gets alone. On CPU a run pays a fixed cost (many small nodes) that batching shares, while
      // past a few hundred padded tokens a batch's activations outgrow the cache and each text
      // costs more than alone: short texts batch up to 32, a 500-token text runs alone.
      maxBatchSize: r.int('LOCAL_MAX_BATCH_SIZE', 32, 1, 1024),
      maxBatchTokens: r.int('LOCAL_MAX_BATCH_TOKENS', 256, 1),
      maxQueuedTexts: r.int('LOCAL_MAX_QUEUED_TEXTS', 4096, 1),
      // A full queue keeps requests in line (holding their texts, costing no CPU) rather than
      // refusing them at once: clients that ignore retry-after then wait instead of turning the
      // instance's CPU into refusals. The line is bounded in texts, like the queue.
      queueWaitMs: r.int('LOCAL_QUEUE_WAIT_MS', 2000, 0, 60_000),
      maxWaitingTexts: r.int('LOCAL_MAX_WAITING_TEXTS', 4 * r.int('LOCAL_MAX_QUEUED_TEXTS', 4096, 1), 0),
      coalesce: r.bool('LOCAL_COALESCE', true),
      threads: r.int('LOCAL_THREADS', 0, 0, 256),
      // One session per core runs one-text inference in parallel, off the event loop.
      workers: r.int('LOCAL_WORKERS', Math.min(availableParallelism(), 4), 0, 64),
    },
    vertex: {
      project,
      location: r.string('VERTEX_LOCATION', 'us-central1'),
      model: r.string('VERTEX_MODEL', 'text-multilingual-embedding-002'),
      apiEndpoint: r.optionalString('VERTEX_API_ENDPOINT'),
      port: r.raw('VERTEX_PORT') === undefined ? null : r.int('VERTEX_PORT', 443, 1, 65535),
      // REST: 200-450 ms faster to the first answer and 25-30 MiB smaller than gRPC (bench/vertex-cold-start);
      // gRPC's ~1 ms per call advantage is lost in Vertex's own latency.
      transport: r.oneOf('VERTEX_TRANSPORT', ['grpc', 'rest'], 'rest'),
      insecure: r.bool('VERTEX_INSECURE', false),
      limits: {
        maxInstancesPerCall: r.int('VERTEX_MAX_INSTANCES_PER_CALL', vertexDefaultLimits.maxInstancesPerCall, 1),
        maxTokensPerCall: r.int('VERTEX_MAX_TOKENS_PER_CALL', vertexDefaultLimits.maxTokensPerCall, 1),
        maxTokensPerText: r.int('VERTEX_MAX_TOKENS_PER_TEXT', vertexDefaultLimits.maxTokensPerText, 1),
      },
      modelLimits: parseModelLimits(r),
      concurrency: r.int('VERTEX_CONCURRENCY', 4, 1, 64),
      timeoutMs: r.int('VERTEX_TIMEOUT_MS', 10_000, 10),
      retries: r.int('VERTEX_RETRIES', 3, 0, 20),
      retryBaseMs: r.int('VERTEX_RETRY_BASE_MS', 200, 1),
      breakerFailures: r.int('BREAKER_FAILURES', 5, 1),
      breakerCooldownMs: r.int('BREAKER_COOLDOWN_MS', 30_000, 1),
    },
    fallback: r.bool('FALLBACK', true),
    defaultTask: r.oneOf('DEFAULT_TASK', taskTypes, 'RETRIEVAL_DOCUMENT'),
    cache: {
      l1Bytes: r.int('CACHE_L1_BYTES', 64 * 1024 * 1024, 0),
      store: r.oneOf('CACHE_STORE', ['none', 'firestore', 'redis'], 'none'),
      ttlSeconds: r.int('CACHE_TTL_SECONDS', 30 * 24 * 3600, 1),
      timeoutMs: r.int('CACHE_TIMEOUT_MS', 500, 1),
      redisUrl: r.string('REDIS_URL', 'redis://127.0.0.1:6379'),
      firestoreCollection: r.string('FIRESTORE_COLLECTION', 'embedding-cache'),
      firestoreDatabase: r.string('FIRESTORE_DATABASE', '(default)'),
    },
    chunking: {
      overlapTokens: r.int('CHUNK_OVERLAP_TOKENS', 0, 0),
      maxChunks: r.int('CHUNK_MAX_CHUNKS', 10_000, 1),
      maxOverlapPercent: r.int('CHUNK_MAX_OVERLAP_PERCENT', 50, 0, 99),
      memoBytes: r.int('CHUNK_MEMO_BYTES', 16 * 1024 * 1024, 0),
    },
    auth: {
      modes: modes as AuthMode[],
      allowUnauthenticated,
      apiKeys,
      idTokenAudience,
      allowedPrincipals,
      certsMaxStaleMs: r.int('ID_TOKEN_CERTS_MAX_STALE_SECONDS', 24 * 3600, 0) * 1000,
      certsRetryMs: r.int('ID_TOKEN_CERTS_RETRY_SECONDS', 5, 1, 3600) * 1000,
      corsOrigins: r.list('CORS_ORIGINS'),
    },
    rateLimits: {
      callers: parseCallerLimits(r),
      // Follows the shared cache store: where Redis is shared, so are the counts.
      store: r.oneOf('LIMIT_STORE', ['memory', 'redis'], r.raw('CACHE_STORE') === 'redis' ? 'redis' : 'memory'),
      timeoutMs: r.int('LIMIT_TIMEOUT_MS', 100, 1, 60_000),
      leaseMs: r.int('LIMIT_LEASE_MS', 1000, 0, 60_000),
      leaseMax: r.int('LIMIT_LEASE_MAX', 100, 2, 100_000),
    },
    traceProject: r.optionalString('TRACE_PROJECT') ?? project,
    openai: {
      models: parseModelMap(r, 'OPENAI_MODELS', defaultOpenAIModels),
      maxTokenIdsPerInput: r.int('OPENAI_MAX_TOKEN_IDS_PER_INPUT', 8192, 1),
    },
    batch: {
      resultsTopic: r.optionalString('RESULTS_TOPIC'),
      maxItems: r.int('BATCH_MAX_ITEMS', 100_000, 1),
      // Pub/Sub takes messages up to 10 MB; stay well below it, attributes and JSON included.
      shardMaxBytes: r.int('BATCH_SHARD_MAX_BYTES', 8 * 1024 * 1024, 1024, 10_000_000),
      shardMaxItems: r.int('BATCH_SHARD_MAX_ITEMS', 1000, 1),
      maxAttempts: r.int('BATCH_MAX_ATTEMPTS', 5, 1),
      // Follows the shared cache store: where the cache is shared, so is the job state.
      stateStore: r.oneOf('BATCH_STATE_STORE', ['memory', 'firestore', 'redis'], r.raw('CACHE_STORE') === 'firestore' ? 'firestore' : r.raw('CACHE_STORE') === 'redis' ? 'redis' : 'memory'),
      stateCollection: r.string('BATCH_STATE_COLLECTION', 'embedding-batch-jobs'),
      output: r.oneOf('BATCH_OUTPUT', ['shards', 'rows'], 'shards'),
      inputShardBytes: r.int('BATCH_INPUT_SHARD_BYTES', 256 * 1024, 1024),
      inputMaxBytes: r.int('BATCH_INPUT_MAX_BYTES', 1024 * 1024 * 1024, 1),
      storageEmulatorHost: r.optionalString('STORAGE_EMULATOR_HOST'),
      gatewayUrl: r.string('GATEWAY_URL', `http://127.0.0.1:${r.int('PORT', 8080, 0, 65535)}`),
      apiKey: r.optionalString('GATEWAY_API_KEY'),
      pubsubEmulatorHost: r.optionalString('PUBSUB_EMULATOR_HOST'),
    },
    web: {
      routeUrls: parseRouteUrls(r),
    },
  };
  return config;
}
