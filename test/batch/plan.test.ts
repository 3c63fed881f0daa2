import { describe, expect, it } from 'vitest';
import { parseJob } from '../../shared/wire/batch-job.js';
import { loadConfig } from '../../shared/config.js';
import { planShards } from '../../shared/batch/plan.js';
import { shardMessage, type ItemResult } from '../../shared/wire/batch-results.js';

const settings = loadConfig({});

const makeJob = (n: number, extra: Record<string, unknown> = {}) =>
  parseJob(JSON.stringify({ job_id: 'plan-1', items: Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, text: `文本 ${i}` })), ...extra }), settings);

describe('planShards', () => {
  it('caps shards by item count and covers every item once, in order', () => {
    const plan = planShards(makeJob(1000), { maxItems: 300, maxBytes: 9_000_000, dimensions: [512] });
    expect(plan.shards.map((s) => [s.start, s.end])).toEqual([[0, 300], [300, 600], [600, 900], [900, 1000]]);
  });

  it('is a function of the job and the limits alone', () => {
    const limits = { maxItems: 1000, maxBytes: 1_000_000, dimensions: [768, 512] };
    expect(planShards(makeJob(500), limits)).toEqual(planShards(makeJob(500), limits));
    expect(planShards(makeJob(500), limits).planHash).not.toBe(planShards(makeJob(500), { ...limits, maxItems: 10 }).planHash);
    expect(planShards(makeJob(500), limits).contentHash).not.toBe(planShards(makeJob(500, { task: 'CLUSTERING' }), limits).contentHash);
  });

  it('keeps every shard message under the byte cap even with the longest float texts', () => {
    const job = makeJob(400, { models: ['vertex', 'local'] });
    const maxBytes = 1_000_000;
    const plan = planShards(job, { maxItems: 1000, maxBytes, dimensions: [768, 512] });
    expect(plan.shards.length).toBeGreaterThan(1);
    // -1.2345678901234567e-10 is as long as a float32 widened to a double prints.
    const worst = (n: number) => Array.from({ length: n }, () => -1.2345678901234567e-10);
    for (const shard of plan.shards) {
      const items: ItemResult[] = job.items.slice(shard.start, shard.end).map((item) => ({
        id: item.id, vectors: { ['x'.repeat(200)]: worst(768), ['y'.repeat(200)]: worst(512) },
      }));
      const message = shardMessage(job, plan, shard, items, []);
      expect(message.data.length).toBeLessThanOrEqual(maxBytes);
    }
  });
});
