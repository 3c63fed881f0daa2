// Reads a request body under a byte limit, counting both the bytes on the wire and the bytes
// after gzip/deflate/br inflation, while the stream flows: a body past the limit is refused the
// moment it crosses it, before JSON parsing and before more than one chunk past the limit is
// held. functions-framework's own body parsers (a fixed 1 GB limit, run before any gateway code)
// are taken out of the way in framework-body.ts so this is the only place a body is read.
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { GatewayError } from '../errors.js';

/** Thrown when the caller closes the connection before the request is answered. */
export class CallerGone extends Error {
  constructor() {
    super('The caller closed the connection');
    this.name = 'CallerGone';
  }
}

const tooLarge = (limit: number) =>
  new GatewayError('too_large', `The body is larger than ${limit} bytes (inflated size included); send less per request`, { field: 'body', detail: { limit_bytes: limit } });

function decoderFor(encoding: string): Transform | null {
  switch (encoding) {
    case 'identity':
    case '':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new GatewayError('unsupported_media_type', `Unsupported content-encoding ${encoding.slice(0, 40)}; send identity, gzip, deflate or br`, { field: 'content-encoding' });
  }
}

export interface ReadBodyOptions {
  /** Most bytes accepted, on the wire and after inflation alike. */
  limit: number;
  /** Aborting it (the request deadline) stops reading with its reason. */
  signal?: AbortSignal;
}

/** The whole body, at most `limit` bytes once inflated. Refuses early on a declared length past it. */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const { limit, signal } = options;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  let decoder: Transform | null;
  try {
    decoder = decoderFor((req.headers['content-encoding'] ?? 'identity').trim().toLowerCase());
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  // A caller that left before we got here: its stream will emit nothing more.
  if (req.destroyed) return Promise.reject(new CallerGone());

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let settled = false;
    const source = decoder ?? req;

    const onWire = (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > limit) fail(tooLarge(limit));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Counted per output chunk (16 KB from zlib), so a bomb is stopped within one chunk of the limit.
      if (size > limit) return fail(tooLarge(limit));
      chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks, size)));
    const onDecodeError = () => fail(new GatewayError('invalid_request', 'The body is not valid for its content-encoding', { field: 'content-encoding' }));
    const onReqError = () => fail(new CallerGone());
    const onClose = () => {
      if (!req.complete) fail(new CallerGone());
    };
    const onAbort = () => fail(signal!.reason);

    function cleanup(): void {
      req.off('data', onWire);
      source.off('data', onData);
      source.off('end', onEnd);
      req.off('error', onReqError);
      req.off('close', onClose);
      decoder?.off('error', onDecodeError);
      signal?.removeEventListener('abort', onAbort);
    }
    function settle(done: () => void): void {
      if (settled) return;
      settled = true;
      cleanup();
      done();
    }
    function fail(error: unknown): void {
      settle(() => {
        chunks.length = 0;
        if (decoder) {
          req.unpipe(decoder);
          decoder.on('error', () => undefined);
          decoder.destroy();
        }
        // Discard the rest of the upload without holding or inflating it, so the answer can be
        // read by the caller and the connection stays usable.
        if (!req.destroyed) req.resume();
        reject(error);
      });
    }

    req.on('data', onWire);
    source.on('data', onData);
    source.on('end', onEnd);
    req.on('error', onReqError);
    req.on('close', onClose);
    decoder?.on('error', onDecodeError);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (decoder) req.pipe(decoder);
  });
}

/** The media type and charset of a request, lower-cased. */
export function contentType(req: IncomingMessage): { type: string; charset?: string } {
  const [type = '', ...params] = (req.headers['content-type'] ?? '').split(';');
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  return { type: type.trim().toLowerCase(), ...(charset ? { charset } : {}) };
}

/** Reads and parses a JSON object body: content type first, then the capped read, then JSON. */
export async function readJsonObject(req: IncomingMessage, options: ReadBodyOptions & { types?: string[] }): Promise<Record<string, unknown>> {
  return parseJsonObject(await readJsonBytes(req, options));
}

/** The raw bytes of a JSON body: its content type is checked first, then read under the cap. */
export function readJsonBytes(req: IncomingMessage, options: ReadBodyOptions & { types?: string[] }): Promise<Buffer> {
  const { type, charset } = contentType(req);
  const types = options.types ?? ['application/json'];
  if (!types.includes(type)) {
    return Promise.reject(new GatewayError('unsupported_media_type', `Send the body as application/json, not ${type.slice(0, 60) || 'no content type'}`, { field: 'content-type' }));
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return Promise.reject(new GatewayError('unsupported_media_type', `Send the body as UTF-8, not ${charset.slice(0, 40)}`, { field: 'content-type' }));
  }
  return readBody(req, options);
}

/** A body's bytes as one JSON object, or a 400 saying what is wrong with it. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw new GatewayError('invalid_request', 'The body is empty; send a JSON object', { field: 'body' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError('invalid_request', 'The body is not valid JSON', { field: 'body' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('invalid_request', 'The body must be a JSON object', { field: 'body' });
  }
  return parsed as Record<string, unknown>;
}
