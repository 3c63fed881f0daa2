// Vertex AI text embeddings as an EmbeddingProvider: packs the batch into calls within the
// model's caps, runs them with bounded concurrency through retry and the breaker, splits a call
// Vertex says is too big, and returns vectors in input order with Vertex's token counts. Models
// of the gemini-embedding-2 family take `embedContent` (one text per call) instead of `:predict`,
// through the same concurrency, retry and breaker.
import { log } from '../../log.js';
import { EVENT, FIELD } from '../../observability/log-fields.js';
import type { EmbeddingProvider, EmbedInput, EmbedOptions, EmbedVector, ModelInfo, ProviderResult } from '../types.js';
import type { Breaker } from './breaker.js';
import type { VertexClient } from './client.js';
import { breakerOpen, classify, VertexError } from './errors.js';
import { usesEmbedContent, vertexDimensions, type VertexModelLimits } from './models.js';
import { withRetry } from './retry.js';
import { callTokens, planCalls } from './split.js';

export interface VertexProviderOptions {
  client: VertexClient;
  project: string;
  location: string;
  model: string;
  limits: VertexModelLimits;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  breaker: Breaker;
}

export interface VertexStats {
  calls: number;
  retries: number;
  splits: number;
}

export type VertexProvider = EmbeddingProvider & { stats(): VertexStats; readonly breaker: Breaker };

export function createVertexProvider(options: VertexProviderOptions): VertexProvider {
  const { client, model, limits, breaker } = options;
  const endpoint = `projects/${options.project}/locations/${options.location}/publishers/google/models/${model}`;
  const full = vertexDimensions(model);
  const embedContent = usesEmbedContent(model);
  const stats: VertexStats = { calls: 0, retries: 0, splits: 0 };
  const info: ModelInfo = {
    provider: 'vertex',
    model,
    dimensions: full,
    maxTokens: limits.maxTokensPerText,
  };

  /** One call to Vertex, whichever method, through the breaker; `send` gets the time it may take. */
  async function callOnce<T>(send: (timeoutMs: number) => Promise<T>, deadline: number, signal: AbortSignal): Promise<T> {
    const timeoutMs = Math.min(options.timeoutMs, deadline - Date.now());
    if (timeoutMs <= 0) throw new VertexError('deadline', `DEADLINE_EXCEEDED: no time left for a call within the request deadline`, 'upstream_timeout');
    if (!breaker.tryPass()) throw breakerOpen(breaker.retryInMs());
    stats.calls++;
    try {
      const answer = await send(timeoutMs);
      breaker.success();
      return answer;
    } catch (err) {
      if (signal.aborted) {
        breaker.release();
        throw signal.reason ?? err;
      }
      const error = classify(err);
      // A 4xx proves Vertex is up and answering; only transient failures count towards opening.
      if (!error.transient) breaker.success();
      else if (breaker.failure()) logBreakerOpened(model, error.failure, breaker.snapshot());
      throw error;
    }
  }

  function callWithRetry<T>(send: (timeoutMs: number) => Promise<T>, deadline: number, signal: AbortSignal): Promise<T> {
    return withRetry(() => callOnce(send, deadline, signal), {
      retries: options.retries,
      baseMs: options.retryBaseMs,
      deadline,
      signal,
      retryable: (error) => error instanceof VertexError && error.retryable,
      onRetry: (error, attempt, delayMs) => {
        stats.retries++;
        log.debug('vertex retry', { model, attempt, delayMs, failure: (error as VertexError).failure });
      },
    });
  }

  function toVector(prediction: Record<string, any> | undefined, expected: number | undefined): EmbedVector {
    const values = prediction?.embeddings?.values;
    if (!Array.isArray(values) || values.length === 0 || (expected !== undefined && values.length !== expected)) {
      throw new VertexError('server_error', `INTERNAL: a prediction came back without ${expected ?? 'the'} embedding values`, 'upstream_failed');
    }
    const statistics = prediction!.embeddings.statistics ?? {};
    return {
      values: Float32Array.from(values as number[]),
      tokens: Number(statistics.token_count ?? 0),
      truncated: Boolean(statistics.truncated),
    };
  }

  return {
    name: 'vertex',
    breaker,
    info: () => info,
    stats: () => ({ ...stats }),
    async embed(inputs: EmbedInput[], opts: EmbedOptions): Promise<ProviderResult> {
      const deadline = opts.deadline ?? Date.now() + options.timeoutMs * (options.retries + 1);
      const parameters = { autoTruncate: opts.truncate, ...(opts.dimensions !== undefined ? { outputDimensionality: opts.dimensions } : {}) };
      const instances = inputs.map(({ text, title }) => ({
        content: text,
        task_type: opts.task,
        // Vertex reads a title only for documents; elsewhere it would be an error or ignored.
        ...(title !== undefined && opts.task === 'RETRIEVAL_DOCUMENT' ? { title } : {}),
      }));
      const tokens = inputs.map(({ text, title }) => callTokens(text, limits, opts.truncate) + (title ? callTokens(title, limits, false) : 0));
      const vectors: EmbedVector[] = new Array(inputs.length);

      // One failed call ends the batch: cancel its siblings instead of letting them run on.
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort(opts.signal!.reason);
      opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
      if (opts.signal?.aborted) controller.abort(opts.signal.reason);

      async function embedOne(i: number): Promise<void> {
        const { text, title } = inputs[i]!;
        const answer = await callWithRetry((timeoutMs) => client.embedContent({
          model: endpoint,
          text,
          taskType: opts.task,
          ...(title !== undefined && opts.task === 'RETRIEVAL_DOCUMENT' ? { title } : {}),
          autoTruncate: opts.truncate,
          ...(opts.dimensions !== undefined ? { outputDimensionality: opts.dimensions } : {}),
        }, { timeoutMs, signal: controller.signal }), deadline, controller.signal);
        const vector = toVector({ embeddings: { values: answer.values } }, opts.dimensions);
        vectors[i] = { ...vector, tokens: answer.tokens ?? callTokens(text, limits, opts.truncate), truncated: answer.truncated };
      }

      async function run(start: number, end: number): Promise<void> {
        if (embedContent) return embedOne(start);
        try {
          const answer = await callWithRetry((timeoutMs) => client.predict({ endpoint, instances: instances.slice(start, end), parameters }, { timeoutMs, signal: controller.signal }), deadline, controller.signal);
          if (answer.predictions.length !== end - start) {
            throw new VertexError('server_error', `INTERNAL: ${answer.predictions.length} predictions for ${end - start} instances`, 'upstream_failed');
          }
          answer.predictions.forEach((p, i) => (vectors[start + i] = toVector(p, opts.dimensions)));
        } catch (error) {
          if (error instanceof VertexError && error.failure === 'limit_exceeded' && end - start > 1) {
            stats.splits++;
            const mid = start + Math.ceil((end - start) / 2);
            await run(start, mid);
            await run(mid, end);
            return;
          }
          throw error;
        }
      }

      // embedContent takes one content per call: every text is its own call.
      const calls: [number, number][] = embedContent ? inputs.map((_, i) => [i, i + 1]) : planCalls(tokens, limits);
      let next = 0;
      const workers = Array.from({ length: Math.min(options.concurrency, calls.length) }, async () => {
        while (next < calls.length && !controller.signal.aborted) {
          const [start, end] = calls[next++]!;
          await run(start, end);
        }
      });
      try {
        await Promise.all(workers.map((w) => w.catch((error) => {
          if (!controller.signal.aborted) controller.abort(error);
          throw error;
        })));
      } catch {
        throw controller.signal.reason;
      } finally {
        opts.signal?.removeEventListener('abort', onOuterAbort);
      }
      if (controller.signal.aborted) throw controller.signal.reason;
      return { model, provider: 'vertex', vectors, fallback: { used: false } };
    },
    async health() {
      return { configured: true, provider: 'vertex', model, location: options.location, transport: client.transport, clientLoaded: client.loaded(), breaker: breaker.snapshot() };
    },
  };
}

/**
 * One line the moment a breaker opens (or a failed probe re-opens it): when the fallback took
 * over and why, where the breaker-open alert otherwise sees only the requests that meet it.
 */
function logBreakerOpened(model: string, failure: string, snapshot: { consecutiveFailures: number; retryInMs: number }): void {
  log.warn('vertex breaker opened', {
    [FIELD.event]: EVENT.breakerOpen,
    [FIELD.provider]: 'vertex',
    [FIELD.model]: model,
    [FIELD.upstreamFailure]: failure,
    [FIELD.consecutiveFailures]: snapshot.consecutiveFailures,
    [FIELD.retryInMs]: snapshot.retryInMs,
  });
}
