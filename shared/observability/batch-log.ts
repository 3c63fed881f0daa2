// One structured line per published batch shard (log-fields.ts names), so the log-based
// metrics count batch throughput, failures, tokens and fallback use the way they count requests.
import { log } from '../log.js';
import { EVENT, FIELD } from './log-fields.js';
import { reasonKind } from './request-log.js';

export interface ShardLine {
  jobId: string;
  shard: number;
  shards: number;
  items: number;
  errors: number;
  models: { model: string; provider: string; fallback: { used: boolean; reason?: string } }[];
  tokens: number;
  cachedTexts: number;
  latencyMs: number;
}

export function shardLineFields(line: ShardLine): Record<string, unknown> {
  const fellBack = line.models.filter((m) => m.fallback.used);
  return {
    [FIELD.event]: EVENT.batchShard,
    [FIELD.route]: 'embedBatch',
    [FIELD.jobId]: line.jobId,
    [FIELD.shard]: line.shard,
    [FIELD.shards]: line.shards,
    [FIELD.items]: line.items,
    [FIELD.errors]: line.errors,
    // One string: a metric label and a BigQuery column both read it as is.
    [FIELD.models]: [...new Set(line.models.map((m) => m.model))].join(','),
    [FIELD.provider]: [...new Set(line.models.map((m) => m.provider))].join(','),
    [FIELD.tokens]: line.tokens,
    [FIELD.cachedTexts]: line.cachedTexts,
    [FIELD.fallbackUsed]: fellBack.length > 0,
    ...(fellBack.length > 0 ? { [FIELD.fallbackReason]: reasonKind(fellBack[0]!.fallback.reason) } : {}),
    [FIELD.latencyMs]: Math.round(line.latencyMs * 1000) / 1000,
  };
}

export function writeShardLine(line: ShardLine): void {
  (line.errors > 0 ? log.warn : log.info)(EVENT.batchShard, shardLineFields(line));
}
