// Reads the CLI's JSONL input ({"id", "text"} per line, "title" optional) and splits it into
// job messages under the job and message size limits. Problems are reported by line number
// before anything is published.
import { readFileSync } from 'node:fs';

export interface InputItem {
  id: string;
  text: string;
  title?: string;
}

export interface JobMessage {
  job_id: string;
  items: InputItem[];
  [option: string]: unknown;
}

export function readItems(file: string): InputItem[] {
  const items: InputItem[] = [];
  const seen = new Map<string, number>();
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not a JSON line`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected {"id", "text"}`);
    const { id, text, title, ...rest } = value as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new Error(`${where}: unknown field "${Object.keys(rest)[0]}" (expected id, text, title)`);
    if (typeof id !== 'string' || id === '') throw new Error(`${where}: "id" must be a non-empty string`);
    if (typeof text !== 'string') throw new Error(`${where}: "text" must be a string`);
    if (title !== undefined && typeof title !== 'string') throw new Error(`${where}: "title" must be a string`);
    if (seen.has(id)) throw new Error(`${where}: id "${id}" repeats line ${seen.get(id)}`);
    seen.set(id, i + 1);
    items.push({ id, text, ...(title !== undefined ? { title } : {}) });
  });
  return items;
}

// Pub/Sub takes 10 MB per message; leave room for the envelope.
const MAX_JOB_BYTES = 9 * 1024 * 1024;

export function splitJobs(items: InputItem[], jobSize: number, jobId: (n: number) => string, options: Record<string, unknown>): JobMessage[] {
  const jobs: JobMessage[] = [];
  let current: InputItem[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length > 0) jobs.push({ job_id: jobId(jobs.length), items: current, ...options });
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length >= jobSize || bytes + size > MAX_JOB_BYTES) flush();
    current.push(item);
    bytes += size;
  }
  flush();
  return jobs;
}
