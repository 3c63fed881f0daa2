import { describe, expect, it } from 'vitest';
import { JobRejected, parseJob } from '../../shared/wire/batch-job.js';
import { loadConfig } from '../../shared/config.js';

const settings = loadConfig({});

const good = { job_id: 'j-1', items: [{ id: 'a', text: '你好' }, { id: 'b', text: 'hello', title: 'T' }] };

describe('parseJob', () => {
  it('reads a job with its defaults: batch fallback off, truncation on, auto model', () => {
    expect(parseJob(JSON.stringify(good), settings)).toEqual({
      jobId: 'j-1',
      items: [{ index: 0, id: 'a', text: '你好' }, { index: 1, id: 'b', text: 'hello', title: 'T' }],
      task: 'RETRIEVAL_DOCUMENT', models: ['auto'], fallback: false, truncate: true, encoding: 'float', output: 'shards',
    });
  });

  it('reads rows output and a gs:// input and output prefix', () => {
    const job = parseJob(JSON.stringify({ job_id: 'g-1', input_uri: 'gs://my-bucket/in/items.jsonl', output: 'rows', output_uri_prefix: 'gs://out-bucket/runs' }), settings);
    expect(job).toMatchObject({ items: [], output: 'rows', input: { bucket: 'my-bucket', name: 'in/items.jsonl' }, outputPrefix: { bucket: 'out-bucket', name: 'runs/' } });
    expect(parseJob(JSON.stringify({ ...good, output_uri_prefix: 'gs://out-bucket' }), settings).outputPrefix).toEqual({ bucket: 'out-bucket', name: '' });
  });

  it('keeps several models, once each, in order', () => {
    expect(parseJob(JSON.stringify({ ...good, models: ['vertex', 'local', 'vertex'], fallback: true }), settings).models).toEqual(['vertex', 'local']);
  });

  const cases: [string, string, string | undefined, string][] = [
    ['not JSON', '{"job_id":', undefined, 'body'],
    ['an array', '[]', undefined, 'body'],
    ['no job_id', JSON.stringify({ items: good.items }), undefined, 'job_id'],
    ['a job_id with a slash', JSON.stringify({ ...good, job_id: 'a/b' }), undefined, 'job_id'],
    ['no items', JSON.stringify({ job_id: 'j' }), 'j', 'items'],
    ['empty items', JSON.stringify({ job_id: 'j', items: [] }), 'j', 'items'],
    ['an item without id', JSON.stringify({ job_id: 'j', items: [{ text: 'x' }] }), 'j', 'items[0].id'],
    ['an item with a numeric text', JSON.stringify({ job_id: 'j', items: [{ id: 'a', text: 1 }] }), 'j', 'items[0].text'],
    ['an item with an unknown field', JSON.stringify({ job_id: 'j', items: [{ id: 'a', text: 'x', body: 'y' }] }), 'j', 'items[0].body'],
    ['a repeated item id', JSON.stringify({ job_id: 'j', items: [{ id: 'a', text: 'x' }, { id: 'a', text: 'y' }] }), 'j', 'items[1].id'],
    ['an unknown field', JSON.stringify({ ...good, model: 'local' }), 'j-1', 'model'],
    ['models not an array', JSON.stringify({ ...good, models: 'vertex' }), 'j-1', 'models'],
    ['an empty model', JSON.stringify({ ...good, models: ['local', ''] }), 'j-1', 'models[1]'],
    ['an unknown task', JSON.stringify({ ...good, task: 'SUMMARIZE' }), 'j-1', 'task'],
    ['fallback not a boolean', JSON.stringify({ ...good, fallback: 'yes' }), 'j-1', 'fallback'],
    ['an unknown output', JSON.stringify({ ...good, output: 'table' }), 'j-1', 'output'],
    ['items and an input_uri', JSON.stringify({ ...good, input_uri: 'gs://b-1/x.jsonl' }), 'j-1', 'items'],
    ['an input_uri that is not gs://', JSON.stringify({ job_id: 'j', input_uri: 'https://example.com/x.jsonl' }), 'j', 'input_uri'],
    ['an input_uri naming a bucket alone', JSON.stringify({ job_id: 'j', input_uri: 'gs://bucket/' }), 'j', 'input_uri'],
    ['an output_uri_prefix that is not gs://', JSON.stringify({ ...good, output_uri_prefix: 's3://b/x' }), 'j-1', 'output_uri_prefix'],
  ];

  it.each(cases)('refuses %s, naming the field and the job when it can', (_name, data, jobId, field) => {
    let caught: unknown;
    try {
      parseJob(data, settings);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JobRejected);
    expect((caught as JobRejected).field).toBe(field);
    expect((caught as JobRejected).jobId).toBe(jobId);
  });
});
