// The batch-shard line: one per published shard, on the real bundled model, with the counts the
// dashboard and the ledger read, and never an item's text.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../../shared/batch/memory-store.js';
import type { ResultMessage } from '../../shared/wire/batch-results.js';
import { processDelivery } from '../../shared/batch/run-job.js';
import { embedRequest } from '../../shared/embedding/service.js';
import { EVENT, FIELD } from '../../shared/observability/log-fields.js';
import { testGateway } from '../helpers/gateway.js';

const gw = testGateway({ LOG_LEVEL: 'info', BATCH_SHARD_MAX_ITEMS: '2', LOCAL_WORKERS: '1' });
afterAll(() => vi.restoreAllMocks());

describe('batch shard lines', () => {
  it('writes one line per shard with job id, shard, items, errors, models, tokens and fallback use', async () => {
    const texts = ['秘密一号：我喜欢看电影', '', '秘密三号 I love movies'];
    const published: ResultMessage[] = [];
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      written.push(String(chunk));
      return true;
    });
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const outcome = await processDelivery(
        { gateway: gw, config: gw.config, store: createMemoryStore(), publisher: { publish: async (m) => { published.push(m); }, publishMany: async (ms) => { published.push(...ms); }, close: async () => {} } },
        { messageId: 'm-1', data: Buffer.from(JSON.stringify({ job_id: 'log-job-1', items: texts.map((text, i) => ({ id: `i${i}`, text })), models: ['local'] })) },
      );
      expect(outcome.status).toBe('done');
    } finally {
      spy.mockRestore();
      warn.mockRestore();
    }
    const lines = written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const shards = lines.filter((l) => l[FIELD.event] === EVENT.batchShard);
    expect(shards.map((l) => l[FIELD.shard])).toEqual([0, 1]);
    expect(published).toHaveLength(2);

    const model = gw.local.info().model;
    const expectedTokens = (await embedRequest(gw, {
      items: [{ index: 0, text: texts[0]! }], task: 'RETRIEVAL_DOCUMENT', truncate: true, longText: 'truncate', model: 'local', fallback: false, encoding: 'float',
    })).usage.tokens;
    expect(shards[0]).toMatchObject({
      severity: 'WARNING', // one item failed
      [FIELD.event]: EVENT.batchShard, [FIELD.route]: 'embedBatch', [FIELD.jobId]: 'log-job-1',
      [FIELD.shard]: 0, [FIELD.shards]: 2, [FIELD.items]: 2, [FIELD.errors]: 1,
      [FIELD.models]: model, [FIELD.provider]: 'local', [FIELD.tokens]: expectedTokens, [FIELD.fallbackUsed]: false,
    });
    expect(shards[1]).toMatchObject({ severity: 'INFO', [FIELD.shard]: 1, [FIELD.items]: 1, [FIELD.errors]: 0, [FIELD.models]: model });
    expect(shards[1][FIELD.tokens]).toBeGreaterThan(0);
    expect(shards[0]).not.toHaveProperty(FIELD.fallbackReason);
    for (const line of lines) expect(JSON.stringify(line)).not.toMatch(/秘密/);
  });
});
