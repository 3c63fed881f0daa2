// The batch outputs' Terraform (BigQuery table, view and subscription; Cloud Storage bucket and
// subscription), off by default: the offline check passes with each switch on and off, terraform
// console says which parts exist and what BATCH_OUTPUT the functions get, the table reads the
// very schema file the row encoder is tested against, and the subscriptions select rows.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobErrorRow } from '../../shared/batch/rows.js';
import { GatewayError } from '../../shared/errors.js';
import { checkModules, formatReport } from '../../scripts/terraform-check/check.js';
import { loadSchema } from '../../scripts/terraform-check/schema.js';
import { rowsSchemaPath } from '../helpers/bq-schema.js';
import { loadModule, type TfModule } from './hcl.js';

const root = path.resolve(__dirname, '../..');
const moduleDir = path.join(root, 'terraform');
const hasTerraform = spawnSync('terraform', ['version'], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } }).status === 0;
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', NO_COLOR: '1' };

let mod: TfModule;
beforeAll(async () => {
  mod = await loadModule(moduleDir);
});

/** The module (with its schemas/ folder) and a root module calling it, in a temporary folder. */
function withRoot(args: string, run: (dir: string) => void | Promise<void>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-batch-'));
  const copy = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) copy(path.join(from, entry.name), path.join(to, entry.name));
      else if (/\.(tf|json)$/.test(entry.name)) copyFileSync(path.join(from, entry.name), path.join(to, entry.name));
    }
  };
  copy(moduleDir, path.join(dir, 'module'));
  mkdirSync(path.join(dir, 'root'));
  writeFileSync(path.join(dir, 'root/main.tf'), `module "gateway" {\n  source     = "../module"\n  project_id = "my-proj-123"\n${args}\n}\n`);
  return Promise.resolve(run(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const combos: [string, string][] = [
  ['both off (the default)', ''],
  ['BigQuery on', '  batch_bigquery = { enabled = true, partition_expiration_days = 90 }'],
  ['Cloud Storage on', '  batch_storage = { enabled = true, delete_after_days = null }'],
  ['both on, shards default kept, gs:// buckets', '  batch_bigquery = { enabled = true }\n  batch_storage = { enabled = true, bucket = "my-rows" }\n  batch_output = "shards"\n  batch_input_buckets = ["in-bucket"]\n  batch_output_buckets = ["out-bucket"]'],
];

describe('batch outputs: the offline check', () => {
  it.each(combos)('passes on a root module with %s', async (_name, args) => {
    await withRoot(args, async (dir) => {
      const report = await checkModules(dir, loadSchema());
      expect(formatReport(report)).toMatch(/ 0 errors, 0 warnings$/);
    });
  });
});

describe('batch outputs: the table and the subscriptions', () => {
  it('the table reads the schema file the row encoder is tested against, partitioned by day on created_at and clustered by job_id', () => {
    const table = mod.resource.google_bigquery_table!.batch_rows![0]!;
    expect(table.schema).toBe('${file("${path.module}/schemas/batch-rows.json")}');
    expect(path.join(moduleDir, 'schemas/batch-rows.json')).toBe(rowsSchemaPath);
    expect(table.time_partitioning[0]).toMatchObject({ type: 'DAY', field: 'created_at' });
    expect(table.clustering).toEqual(['job_id']);
    const schema = JSON.parse(readFileSync(rowsSchemaPath, 'utf8')) as { name: string }[];
    // The view partitions on these columns and orders by these: they must exist.
    for (const column of ['job_id', 'item_id', 'model', 'created_at', 'publish_time']) expect(schema.map((f) => f.name)).toContain(column);
    expect(mod.resource.google_bigquery_table!.batch_rows_first![0]!.view[0].query).toMatch(/PARTITION BY job_id, item_id, model ORDER BY created_at/);
  });

  it('both subscriptions select the attribute every row message carries, and shard messages lack', () => {
    const filter = mod.locals.row_filter as string;
    const bq = mod.resource.google_pubsub_subscription!.batch_bigquery![0]!;
    const gcs = mod.resource.google_pubsub_subscription!.batch_storage![0]!;
    expect(bq.filter).toBe('${local.row_filter}');
    expect(gcs.filter).toBe('${local.row_filter}');
    const [, name, value] = filter.match(/^attributes\.(\w+) = "(\w+)"$/)!;
    expect(jobErrorRow('j', 'm', new GatewayError('invalid_request', 'x')).attributes[name!]).toBe(value);
    expect(bq.bigquery_config[0]).toMatchObject({ use_table_schema: true, write_metadata: true });
    expect(bq.dead_letter_policy[0].dead_letter_topic).toBe('${google_pubsub_topic.batch_rows_dead_letter[0].id}');
  });
});

describe.skipIf(!hasTerraform)(`batch outputs: which parts exist (terraform console)${hasTerraform ? '' : ' (skipped: no terraform binary on PATH)'}`, () => {
  function evaluate(tfvars: string): { parts: Record<string, boolean>; env: Record<string, string> } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-batch-console-'));
    try {
      for (const file of ['variables.tf', 'batch-outputs-variables.tf']) writeFileSync(path.join(dir, file), readFileSync(path.join(moduleDir, file), 'utf8'));
      // Only the locals block of batch-outputs.tf: its resources need the rest of the module.
      const locals = readFileSync(path.join(moduleDir, 'batch-outputs.tf'), 'utf8').match(/^locals \{[\s\S]*?\n\}\n/m)![0];
      writeFileSync(path.join(dir, 'locals.tf'), locals);
      writeFileSync(path.join(dir, 'terraform.tfvars'), `project_id = "my-proj-123"\n${tfvars}`);
      const run = spawnSync('terraform', ['console', '-no-color'], { cwd: dir, input: 'jsonencode({ parts = local.batch_outputs, env = local.batch_outputs_environment })\n', encoding: 'utf8', env });
      expect(run.stderr).toBe('');
      return JSON.parse(JSON.parse(run.stdout.trim()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([
    ['', { bigquery: false, storage: false }, 'shards'],
    ['batch_bigquery = { enabled = true }\n', { bigquery: true, storage: false }, 'rows'],
    ['batch_storage = { enabled = true }\n', { bigquery: false, storage: true }, 'rows'],
    ['batch_bigquery = { enabled = true }\nbatch_output = "shards"\n', { bigquery: true, storage: false }, 'shards'],
    ['batch_output = "rows"\n', { bigquery: false, storage: false }, 'rows'],
  ])('%j', (tfvars, parts, output) => {
    const result = evaluate(tfvars);
    expect(result.parts).toEqual(parts);
    expect(result.env).toEqual({ BATCH_OUTPUT: output });
  });

  it.each([
    ['batch_output = "table"', 'batch_output must be shards, rows or null'],
    ['batch_storage = { max_duration = "5s" }', 'batch_storage.max_duration must be'],
    ['batch_bigquery = { max_delivery_attempts = 2 }', 'batch_bigquery.max_delivery_attempts must be between 5 and 100'],
  ])('rejects %s', (line, message) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-batch-vars-'));
    try {
      for (const file of ['variables.tf', 'batch-outputs-variables.tf']) writeFileSync(path.join(dir, file), readFileSync(path.join(moduleDir, file), 'utf8'));
      writeFileSync(path.join(dir, 'terraform.tfvars'), `project_id = "my-proj-123"\n${line}\n`);
      const run = spawnSync('terraform', ['console', '-no-color'], { cwd: dir, input: 'var.project_id\n', encoding: 'utf8', env });
      expect(run.stderr.replace(/\s+/g, ' ')).toContain(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
