// The row format against the one table schema (terraform/schemas/batch-rows.json): every kind of
// row the encoder makes is a valid row of that table.
import { describe, expect, it } from 'vitest';
import type { ShardOutcome } from '../../shared/batch/embed-shard.js';
import { parseJob } from '../../shared/wire/batch-job.js';
import { loadConfig } from '../../shared/config.js';
import { jobErrorRow, rowResultId, shardRows } from '../../shared/batch/rows.js';
import { GatewayError } from '../../shared/errors.js';
import { loadRowsSchema, rowProblems, rowsSchemaPath } from '../helpers/bq-schema.js';

const settings = loadConfig({});

const schema = loadRowsSchema();
const job = parseJob(JSON.stringify({ job_id: 'rows-1', output: 'rows', models: ['vertex', 'local'], items: [{ id: 'a', text: '我喜欢看电影' }, { id: 'b', text: ' ' }, { id: 'c', text: 'x' }] }), settings);
const vector = (model: string, fallbackReason: string | null) => ({ values: new Float32Array([0.5, -0.25, 1e-8]), tokens: 7, truncated: false, model, fallbackReason });
const outcome: ShardOutcome = {
  input: job.items,
  errors: new Map([[1, { type: 'invalid_request', message: 'items[1].text is empty', field: 'items[1].text' }]]),
  perModel: [
    // Item c fell back to the bundled model while Vertex was down.
    { selector: 'vertex', model: 'text-multilingual-embedding-002', vectors: new Map([[0, vector('text-multilingual-embedding-002', null)], [2, vector('bge-small-zh-v1.5@q8', 'vertex_unavailable')]]) },
    { selector: 'local', model: 'bge-small-zh-v1.5@q8', vectors: new Map([[0, vector('bge-small-zh-v1.5@q8', null)], [2, vector('bge-small-zh-v1.5@q8', null)]]) },
  ],
  models: [],
};

describe('row format', () => {
  it('gives one row per (item, model), errors included, each valid against the table schema', () => {
    const rows = shardRows(job, outcome, 1_700_000_000_000_000);
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(rowProblems(row as unknown as Record<string, unknown>, schema), JSON.stringify(row)).toEqual([]);
    expect(rows.map((r) => r.result_id)).toEqual(['a', 'b', 'c'].flatMap((id) => [rowResultId('rows-1', id, 0), rowResultId('rows-1', id, 1)]));
    expect(rows[0]).toMatchObject({ job_id: 'rows-1', item_id: 'a', model: 'text-multilingual-embedding-002', dimensions: 3, token_count: 7, truncated: false, fallback: null, error: null });
    expect(rows[0]!.embedding[0]).toBe(0.5);
    expect(rows[2]).toMatchObject({ item_id: 'b', model: 'text-multilingual-embedding-002', embedding: [], dimensions: null, error: { type: 'invalid_request', field: 'items[1].text' } });
    // A fallback vector names the model that made it and why.
    expect(rows[4]).toMatchObject({ item_id: 'c', model: 'bge-small-zh-v1.5@q8', fallback: 'vertex_unavailable' });
  });

  it('makes a refused job one valid row with no item and no model', () => {
    const message = jobErrorRow('rows-2', 'm-1', new GatewayError('invalid_request', 'bad', { field: 'items' }));
    const row = JSON.parse(message.data.toString('utf8'));
    expect(rowProblems(row, schema)).toEqual([]);
    expect(row).toMatchObject({ job_id: 'rows-2', item_id: null, model: null, result_id: 'rows-2#error', error: { type: 'invalid_request' } });
    expect(message.attributes).toMatchObject({ format: 'row', kind: 'job_error', job_id: 'rows-2' });
  });

  it('the check can fail: a wrong type, a missing required column, an unknown field, a metadata column', () => {
    const [row] = shardRows(job, outcome, 1);
    const broken = { ...row, embedding: 'AAAA', result_id: undefined, extra: 1, message_id: 'x' } as Record<string, unknown>;
    expect(rowProblems(broken, schema)).toEqual(expect.arrayContaining([
      'row.embedding: expected an array', 'row.result_id: required', 'row.extra: no such column', 'row.message_id: written by the subscription, not the message',
    ]));
    expect(rowsSchemaPath).toMatch(/terraform\/schemas\/batch-rows\.json$/);
  });

  it('stamps created_at in microseconds since the epoch (a TIMESTAMP from a JSON number), not milliseconds', () => {
    const before = Date.now();
    const [row] = shardRows(job, outcome);
    const { created_at: refused } = JSON.parse(jobErrorRow('rows-3', 'm-2', new GatewayError('invalid_request', 'bad')).data.toString('utf8'));
    for (const micros of [row!.created_at, refused]) {
      expect(Number.isSafeInteger(micros)).toBe(true);
      expect(micros / 1000).toBeGreaterThanOrEqual(before);
      expect(micros / 1000).toBeLessThanOrEqual(Date.now());
    }
  });
});
