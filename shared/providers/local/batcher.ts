// The local model's queue. Callers' texts wait in one queue per caller; a free lane (one per
// inference worker) takes a bounded window of texts round-robin across callers (about one batch
// per lane, by texts and by tokens), packs it into batches (shortest first, within the batch caps,
// so a batch holds texts of similar length and pads little) and runs them. So a one-text request is in the
// next window whatever a big request has queued, and batches can still hold several callers'
// texts of similar length. The queue is bounded: room is reserved before a caller tokenizes
// (admit), a request that could never fit is refused (413). One that could fit later waits its
// turn for room (first come, first served, a bounded number of requests for a bounded time), and
// only past that is it told to come back (429, retry-after): a client that ignores retry-after
// then waits in line instead of spending the instance's CPU on refusals.
import { GatewayError } from '../../errors.js';

export type RunBatch = (sequences: number[][]) => Promise<Float32Array[]>;

export interface BatcherOptions {
  maxBatchSize: number;
  /** Padded tokens per batch: texts × longest text. */
  maxBatchTokens: number;
  maxQueued: number;
  coalesce: boolean;
  /** Batches run at once (one per inference worker). */
  parallelism?: number;
  /** How long a request may wait for room in a full queue before its 429 (0: refused at once). */
  maxWaitMs?: number;
  /** Texts that may wait for room at once (all waiting requests together); past it, a 429 at once. */
  maxWaitingTexts?: number;
  run: RunBatch;
}

interface Job {
  ids: number[];
  caller: Caller;
  resolve: (vector: Float32Array) => void;
}

interface Caller {
  /** Jobs not yet taken into a window, in input order. */
  queued: Job[];
  /** Set once the caller's answer is settled with an error (aborted, or a batch failed). */
  failed: boolean;
  reject: (error: unknown) => void;
}

/** A caller whose answer resolves when every text has a vector, and rejects at its first failure. */
function newCaller(sequences: number[][]): { caller: Caller; answer: Promise<Float32Array[]> } {
  let reject!: (error: unknown) => void;
  const failure = new Promise<never>((_, r) => { reject = r; });
  const caller: Caller = { queued: [], failed: false, reject };
  const results = sequences.map((ids) => new Promise<Float32Array>((resolve) => caller.queued.push({ ids, caller, resolve })));
  return { caller, answer: Promise.race([Promise.all(results), failure]) };
}

/**
 * Splits jobs into batches within both caps, shortest first: similar lengths share a batch (little
 * padding), and short texts are not kept waiting behind long ones (lower mean latency).
 */
export function packBatches<T extends { ids: number[] }>(jobs: T[], maxBatchSize: number, maxBatchTokens: number): T[][] {
  const sorted = [...jobs].sort((a, b) => a.ids.length - b.ids.length);
  const batches: T[][] = [];
  let current: T[] = [];
  let longest = 0;
  for (const job of sorted) {
    const width = Math.max(longest, job.ids.length);
    if (current.length > 0 && (current.length >= maxBatchSize || width * (current.length + 1) > maxBatchTokens)) {
      batches.push(current);
      current = [];
    }
    if (current.length === 0) longest = 0;
    longest = Math.max(longest, job.ids.length);
    current.push(job);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

interface Waiter {
  texts: number;
  /** Takes the room and settles the wait. */
  admit(): void;
}

/** Room held in the queue for a caller's texts while it prepares them (tokenizes). */
export interface Admission {
  /** Queues the texts (at most as many as admitted) and resolves with one vector per text, in order. */
  submit(sequences: number[][], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Gives the room back unused (the caller failed before submitting). Idempotent. */
  release(): void;
}

export interface Batcher {
  /** Reserves room for `texts` texts now, or throws 413 (never fits) or 429 (full now). */
  admit(texts: number, field?: string): Admission;
  /**
   * Reserves room, waiting for it in line (up to maxWaitMs) when the queue is full; rejects with
   * 413 (never fits), 429 (the wait ran out, or the line is full) or the signal's reason.
   */
  admitWaiting(texts: number, field?: string, signal?: AbortSignal): Promise<Admission>;
  /** Throws what admitWaiting would throw at once, without reserving: a cheap check before any expensive work. */
  check(texts: number, field?: string): void;
  submit(sequences: number[][], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Texts reserved, waiting or being embedded. */
  load(): number;
}

export function createBatcher(options: BatcherOptions): Batcher {
  const maxLanes = Math.max(1, options.parallelism ?? 1);
  // A window holds about one batch per lane, counted in texts and in tokens: a newcomer waits for
  // at most this much queued work (plus the runs in flight) before its first text runs, whether
  // the queue holds short texts (many per batch) or long ones (few per batch).
  const windowSize = options.maxBatchSize * maxLanes;
  const windowTokens = options.maxBatchTokens * maxLanes;
  let reserved = 0;
  let queued = 0;
  let inFlight = 0;
  /** Callers with queued jobs, in turn order. */
  const ring: Caller[] = [];
  /** Batches packed from the last window, not yet started. */
  let ready: Job[][] = [];
  let lanes = 0;
  const maxWaitMs = options.maxWaitMs ?? 0;
  const maxWaitingTexts = maxWaitMs > 0 ? options.maxWaitingTexts ?? 0 : 0;
  /** Requests waiting for room, first come first served, and their texts. */
  const waiting: Waiter[] = [];
  let waitingTexts = 0;
  const lineHasRoom = (texts: number) => waitingTexts + texts <= maxWaitingTexts;

  const overloaded = () => new GatewayError('overloaded', `The local model has ${reserved + queued + inFlight} texts queued; try again shortly`, { retryAfterSeconds: 1 });

  /** 413 for a request that can never fit. */
  function checkSize(texts: number, field = 'inputs'): void {
    if (texts > options.maxQueued) {
      throw new GatewayError('too_large',
        `The request needs ${texts} texts embedded by the local model; it queues at most ${options.maxQueued} (LOCAL_MAX_QUEUED_TEXTS). Send fewer or shorter inputs`,
        { field });
    }
  }

  const fits = (texts: number) => reserved + queued + inFlight + texts <= options.maxQueued;

  function check(texts: number, field = 'inputs'): void {
    checkSize(texts, field);
    // Room now (and nobody ahead in line), or a place in line: not refused now.
    if (waiting.length === 0 ? fits(texts) : false) return;
    if (lineHasRoom(texts)) return;
    throw overloaded();
  }

  /** Room came free: admit waiters from the head of the line while they fit. */
  function wake(): void {
    while (waiting.length > 0 && fits(waiting[0]!.texts)) {
      const waiter = waiting.shift()!;
      waitingTexts -= waiter.texts;
      waiter.admit();
    }
  }

  function fail(caller: Caller, error: unknown): void {
    if (caller.failed) return;
    caller.failed = true;
    const index = ring.indexOf(caller);
    if (index >= 0) ring.splice(index, 1);
    queued -= caller.queued.length;
    caller.queued = [];
    caller.reject(error);
    wake();
  }

  /** Round-robin across callers: one text from each in turn, up to the window's texts and tokens. */
  function takeWindow(): Job[] {
    const window: Job[] = [];
    let tokens = 0;
    while (window.length < windowSize && ring.length > 0) {
      const caller = ring[0]!;
      const next = caller.queued[0]!.ids.length;
      if (window.length > 0 && tokens + next > windowTokens) break;
      ring.shift();
      window.push(caller.queued.shift()!);
      tokens += next;
      if (caller.queued.length > 0) ring.push(caller);
    }
    queued -= window.length;
    inFlight += window.length;
    return window;
  }

  async function runBatch(batch: Job[]): Promise<void> {
    // Texts of callers that already failed (went away, deadline) are not run.
    const live = batch.filter((job) => !job.caller.failed);
    inFlight -= batch.length - live.length;
    if (live.length === 0) return wake();
    try {
      const vectors = await options.run(live.map((job) => job.ids));
      live.forEach((job, i) => job.resolve(vectors[i]!));
    } catch (error) {
      for (const caller of new Set(live.map((job) => job.caller))) fail(caller, error);
    } finally {
      inFlight -= live.length;
      wake();
    }
  }

  async function lane(): Promise<void> {
    lanes++;
    try {
      for (;;) {
        if (ready.length === 0) {
          const window = takeWindow();
          if (window.length === 0) return;
          ready = packBatches(window, options.maxBatchSize, options.maxBatchTokens);
        }
        await runBatch(ready.shift()!);
      }
    } finally {
      lanes--;
    }
  }

  function startLanes(): void {
    while (lanes < maxLanes && (ring.length > 0 || ready.length > 0)) void lane();
  }

  /** The answer is settled the moment the caller goes away or its deadline passes, whatever the workers are doing. */
  function watch(caller: Caller, answer: Promise<Float32Array[]>, signal?: AbortSignal): void {
    if (!signal) return;
    const onAbort = () => fail(caller, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    answer.then(done, done);
  }

  function enqueue(sequences: number[][], signal?: AbortSignal): Promise<Float32Array[]> {
    const { caller, answer } = newCaller(sequences);
    if (signal?.aborted) {
      fail(caller, signal.reason);
      return answer;
    }
    queued += caller.queued.length;
    if (caller.queued.length > 0) ring.push(caller);
    // Queued texts leave the queue on abort; texts already running finish and are dropped.
    watch(caller, answer, signal);
    // setImmediate lets callers that arrive in the same turn join the first window.
    if (lanes < maxLanes) setImmediate(startLanes);
    return answer;
  }

  function runUncoalesced(sequences: number[][], signal?: AbortSignal): Promise<Float32Array[]> {
    // Each caller runs its own batches at once, beside the others: what code without a shared
    // queue does. Kept as the baseline the benchmark compares against.
    const { caller, answer } = newCaller(sequences);
    const jobs = caller.queued;
    caller.queued = [];
    inFlight += jobs.length;
    watch(caller, answer, signal);
    if (signal?.aborted) fail(caller, signal.reason);
    const batches = packBatches(jobs, options.maxBatchSize, options.maxBatchTokens);
    let next = 0;
    const laneCount = Math.max(1, Math.min(maxLanes, batches.length));
    void Promise.all(Array.from({ length: laneCount }, async () => {
      while (next < batches.length) await runBatch(batches[next++]!);
    }));
    return answer;
  }

  function reserve(texts: number, field?: string): Admission {
    reserved += texts;
    let held = texts;
    const release = () => {
      reserved -= held;
      held = 0;
      wake();
    };
    return {
      release,
      submit(sequences, signal) {
        if (sequences.length > held) {
          const extra = sequences.length - held;
          checkSize(held + extra, field);
          if (!fits(extra)) throw overloaded();
          reserved += extra;
          held += extra;
        }
        // The room moves from reserved to queued: nothing frees, nobody to wake.
        reserved -= held;
        held = 0;
        return options.coalesce ? enqueue(sequences, signal) : runUncoalesced(sequences, signal);
      },
    };
  }

  function admit(texts: number, field?: string): Admission {
    checkSize(texts, field);
    if (!fits(texts)) throw overloaded();
    return reserve(texts, field);
  }

  function admitWaiting(texts: number, field?: string, signal?: AbortSignal): Promise<Admission> {
    try {
      checkSize(texts, field);
      if (waiting.length === 0 && fits(texts)) return Promise.resolve(reserve(texts, field));
      if (!lineHasRoom(texts)) throw overloaded();
      if (signal?.aborted) throw signal.reason;
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<Admission>((resolve, reject) => {
      const leave = (error: unknown) => {
        const index = waiting.indexOf(waiter);
        if (index >= 0) {
          waiting.splice(index, 1);
          waitingTexts -= texts;
        }
        done();
        reject(error);
        // A big request leaving the head of the line may let smaller ones behind it in.
        if (index === 0) wake();
      };
      const onAbort = () => leave(signal!.reason);
      const timer = setTimeout(() => leave(overloaded()), maxWaitMs);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        texts,
        admit: () => {
          done();
          resolve(reserve(texts, field));
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(waiter);
      waitingTexts += texts;
    });
  }

  return {
    admit,
    admitWaiting,
    check,
    load: () => reserved + queued + inFlight,
    submit: async (sequences, signal) => admit(sequences.length).submit(sequences, signal),
  };
}
