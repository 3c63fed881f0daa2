// A gs:// JSONL input, planned into shards by byte ranges from the object's metadata alone, so
// the file is never read to plan it and each byte is read once: shard k owns the lines that
// start in its range [k*B, (k+1)*B), reads from one byte before it (to learn whether a line
// starts there) and past its end only to finish its last line. The plan depends on the object's
// generation and size and the shard size, so a redelivery rebuilds the very same shards.
import { createHash } from 'node:crypto';
import { GatewayError, tooLarge } from '../errors.js';
import { storageClient } from './gcs.js';
import type { BatchItem, BatchJob, GcsObject } from '../wire/batch-job.js';
import type { ItemError } from '../wire/batch-results.js';

export interface InputObject {
  size: number;
  generation: string;
}

export interface RangeShard {
  index: number;
  start: number;
  end: number;
}

/** One line of the file as a job item; `instance` is the line itself (Vertex output echoes it). */
export interface InputLine {
  item: BatchItem;
  offset: number;
  instance: unknown;
  error?: ItemError;
}

export const gsUri = (o: GcsObject) => `gs://${o.bucket}/${o.name}`;

/** The object's size and generation; missing or too large is the job's own fault (permanent). */
export async function inputObject(emulatorHost: string | null, input: GcsObject, maxBytes: number): Promise<InputObject> {
  const storage = await storageClient(emulatorHost);
  let metadata: { size?: string | number; generation?: string | number };
  try {
    [metadata] = await storage.bucket(input.bucket).file(input.name).getMetadata();
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === 404) throw new GatewayError('not_found', `input_uri ${gsUri(input)} does not exist`, { field: 'input_uri' });
    if (code === 403) throw new GatewayError('forbidden', `The batch function may not read ${gsUri(input)}`, { field: 'input_uri' });
    throw error; // transient: redelivery
  }
  const size = Number(metadata.size ?? 0);
  if (size > maxBytes) throw tooLarge('input_uri', `${gsUri(input)} has ${size} bytes; the limit is ${maxBytes} (BATCH_INPUT_MAX_BYTES)`);
  return { size, generation: String(metadata.generation ?? '0') };
}

export function planRanges(size: number, shardBytes: number): RangeShard[] {
  const count = Math.max(1, Math.ceil(size / shardBytes));
  return Array.from({ length: count }, (_, index) => ({ index, start: index * shardBytes, end: Math.min(size, (index + 1) * shardBytes) }));
}

/** What makes the job this job: the object's version and every option, not its bytes. */
export function uriContentHash(job: BatchJob, object: InputObject): string {
  return createHash('sha256').update(JSON.stringify([
    gsUri(job.input!), object.generation, object.size, job.task, job.models, job.fallback, job.truncate,
    job.dimensions ?? null, job.encoding, job.output, job.outputPrefix ?? null,
  ])).digest('hex');
}

/**
 * A read that failed. 404: the planned generation is gone (the object was replaced or deleted
 * after planning), which no redelivery fixes. 403: access may come back, so it stays transient
 * like any other failure, until the job gives up.
 */
function unreadable(error: unknown, input: GcsObject, object: InputObject): unknown {
  const code = (error as { code?: number }).code;
  const at = `${gsUri(input)} (generation ${object.generation})`;
  if (code === 404) return new GatewayError('not_found', `${at} can no longer be read: replaced or deleted after the job was planned`, { field: 'input_uri' });
  if (code === 403) return new GatewayError('forbidden', `The batch function may not read ${at}`, { field: 'input_uri' });
  return error;
}

/** Reads the lines shard `range` owns, in order, with their byte offsets. */
export async function readRange(emulatorHost: string | null, input: GcsObject, object: InputObject, range: RangeShard): Promise<Buffer[] & { offsets: number[] }> {
  const lines = Object.assign([] as Buffer[], { offsets: [] as number[] });
  if (range.start >= object.size) return lines;
  const storage = await storageClient(emulatorHost);
  const from = range.start === 0 ? 0 : range.start - 1;
  // crc32c/md5 validation covers whole objects only; a range read skips it.
  const stream = storage.bucket(input.bucket).file(input.name, { generation: object.generation }).createReadStream({ start: from, end: object.size - 1, validation: false });
  let pos = from; // file offset of buf[0]
  let buf: Buffer = Buffer.alloc(0);
  // Before its first newline, the bytes from `from` belong to the previous shard's last line.
  let skipping = range.start > 0;
  let finished = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      let newline: number;
      while ((newline = buf.indexOf(10)) >= 0) {
        if (!skipping) {
          lines.push(buf.subarray(0, newline));
          lines.offsets.push(pos);
        }
        skipping = false;
        buf = buf.subarray(newline + 1);
        pos += newline + 1;
        if (pos >= range.end) {
          finished = true;
          break;
        }
      }
      if (finished) break;
    }
  } catch (error) {
    throw unreadable(error, input, object);
  } finally {
    stream.destroy();
  }
  if (!finished && !skipping && buf.length > 0 && pos < range.end) {
    lines.push(buf);
    lines.offsets.push(pos);
  }
  return lines;
}

/** Parses a line: {"id", "text", "title"?} or Vertex batch prediction's {"content", "title"?}. */
export function parseLine(bytes: Buffer, offset: number, index: number): InputLine | undefined {
  const raw = bytes.toString('utf8').replace(/\r$/, '');
  if (raw.trim() === '') return undefined;
  const id = `@${offset}`;
  const field = `input_uri@${offset}`;
  const bad = (message: string): InputLine => ({ item: { index, id, text: '' }, offset, instance: raw, error: { type: 'invalid_request', message, field } });
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return bad(`the line at byte ${offset} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad(`the line at byte ${offset} must be {"id", "text"} or {"content"}`);
  const line = value as Record<string, unknown>;
  const text = typeof line.text === 'string' ? line.text : line.content;
  if (typeof text !== 'string') return bad(`the line at byte ${offset} has no "text" (or "content") string`);
  // Vertex lines carry no id: the line's byte offset names it, the same on every read.
  const itemId = typeof line.id === 'string' && line.id !== '' ? line.id : id;
  const title = typeof line.title === 'string' ? line.title : undefined;
  return { item: { index, id: itemId, text, ...(title !== undefined ? { title } : {}) }, offset, instance: value };
}
