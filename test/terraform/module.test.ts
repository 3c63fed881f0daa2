import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.js';
import { checkModules, formatReport } from '../../scripts/terraform-check/check.js';
import { loadSchema } from '../../scripts/terraform-check/schema.js';
import { loadModule, parseModule, type TfModule } from './hcl.js';
import { shardLineFields } from '../../shared/observability/batch-log.js';
import { EVENT, HTTP_REQUEST, payloadFieldNames } from '../../shared/observability/log-fields.js';
import { requestLineFields } from '../../shared/observability/request-log.js';
import { fieldRefs, logMetrics, resolveLocals, unknownMetricLabels } from './operations.js';
import {
  authoritativeIam, batchSubscriptions, compareEntryPoints, eventTriggers, primitiveRoles, publicMembers,
  registeredFunctionNames, terraformFunctions,
} from './consistency.js';

const root = path.resolve(__dirname, '../..');
const moduleDir = path.join(root, 'terraform');
const schema = loadSchema();
const hasTerraform = spawnSync('terraform', ['version'], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } }).status === 0;

let mod: TfModule;
beforeAll(async () => {
  mod = await loadModule(moduleDir);
});

/** The check's report on modules written to a temporary folder (path -> text). */
async function checkFiles(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-check-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    return await checkModules(dir, schema);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('terraform-check (google provider schema and references)', () => {
  it('passes on the module and its examples', async () => {
    const report = await checkModules(moduleDir, schema);
    expect(formatReport(report)).toMatch(/^terraform-check: 3 modules, \d+ resources, \d+ data sources, 0 errors, 0 warnings$/);
    expect(report.resources).toBeGreaterThan(20);
  });

  it('reads a schema of the provider major version the module pins, with its source recorded', () => {
    const pinned = readFileSync(path.join(moduleDir, 'versions.tf'), 'utf8').match(/source\s*=\s*"hashicorp\/google"\s*\n\s*(?:#.*\n\s*)*version\s*=\s*">= (\d+)\.0, < (\d+)\.0"/);
    expect(pinned, 'versions.tf pins hashicorp/google to one major version').not.toBeNull();
    expect(Number(schema.version.split('.')[0])).toBe(Number(pinned![1]));
    expect(schema.source).toMatch(/^@cdktf\/provider-google@\d+\.\d+\.\d+$/);
    // Every google type the module uses has a full schema, so none is only warned about.
    const used = [...Object.keys(mod.resource), ...Object.keys(mod.data)].filter((t) => t.startsWith('google_'));
    expect(used.filter((t) => !schema.resources[t] && !schema.data_sources[t])).toEqual([]);
  });

  // One broken module per rule: the check can fail, and says where and why.
  it.each([
    ['an unknown argument', 'resource "google_pubsub_topic" "t" {\n  name      = "t"\n  retention = "1d"\n}\n',
      'google_pubsub_topic.t: retention: unknown argument (did you mean message_retention_duration?)'],
    ['a missing required argument', 'resource "google_pubsub_subscription" "s" {\n  name = "s"\n}\n',
      'google_pubsub_subscription.s: topic: required argument missing'],
    ['an unknown nested block argument', 'resource "google_cloudfunctions2_function" "f" {\n  name     = "f"\n  location = "l"\n  build_config {\n    entrypoint = "embed"\n  }\n}\n',
      'google_cloudfunctions2_function.f: build_config.entrypoint: unknown argument (did you mean entry_point?)'],
    ['a read-only attribute set', 'resource "google_pubsub_topic" "t" {\n  name             = "t"\n  effective_labels = {}\n}\n',
      'effective_labels is read-only'],
    ['a block written as an argument', 'resource "google_pubsub_topic" "t" {\n  name                   = "t"\n  message_storage_policy = { allowed_persistence_regions = [] }\n}\n',
      'message_storage_policy is a block'],
    ['a type the provider does not have', 'resource "google_pubsub_topix" "t" {\n  name = "t"\n}\n',
      'google_pubsub_topix is not a resource of hashicorp/google'],
    ['a reference to an undeclared resource', 'resource "google_pubsub_subscription" "s" {\n  name  = "s"\n  topic = google_pubsub_topic.jobs.id\n}\n',
      'google_pubsub_topic.jobs.id: undeclared resource google_pubsub_topic.jobs'],
    ['a reference to an undeclared variable', 'resource "google_pubsub_topic" "t" {\n  name = "${var.prefix}-t"\n}\n',
      'var.prefix: undeclared variable "prefix"'],
    ['a reference to an undeclared local', 'locals {\n  topic = "t"\n}\nresource "google_pubsub_topic" "t" {\n  name = local.topics\n}\n',
      'local.topics: undeclared local value "topics" (did you mean topic?)'],
    ['a reference to an undeclared data source', 'output "n" {\n  value = data.google_project.this.number\n}\n',
      'undeclared data source google_project.this'],
    ['an attribute the resource does not have', 'resource "google_pubsub_topic" "t" {\n  name = "t"\n}\noutput "u" {\n  value = google_pubsub_topic.t.url\n}\n',
      'google_pubsub_topic.t.url: no attribute "url"'],
    ['an attribute of a for_each resource read without an index', 'resource "google_pubsub_topic" "t" {\n  for_each = toset(["a"])\n  name     = each.key\n}\noutput "n" {\n  value = google_pubsub_topic.t.name\n}\n',
      'google_pubsub_topic.t has count or for_each; index it'],
    ['a name declared twice', 'variable "a" {}\nvariable "a" {}\n', 'variable.a: declared twice'],
  ])('fails on %s', async (_, tf, message) => {
    const report = await checkFiles({ 'main.tf': tf });
    expect(report.errors.map((e) => `${e.address}: ${e.message}`).join('\n')).toContain(message);
    expect(report.errors).toHaveLength(1);
  });

  it('checks a local module call against the child module\'s variables and outputs', async () => {
    const report = await checkFiles({
      'child/main.tf': 'variable "project_id" {}\nvariable "region" {\n  default = "us-central1"\n}\noutput "topic" {\n  value = "t"\n}\n',
      'root/main.tf': 'module "c" {\n  source = "../child"\n  regin  = "x"\n}\noutput "t" {\n  value = module.c.topics\n}\n',
    });
    expect(report.errors.map((e) => e.message).sort()).toEqual([
      'module.c.topics: module "c" has no output "topics" (did you mean topic?)',
      'project_id: required variable of the module not set',
      'regin: the module has no variable "regin" (did you mean region?)',
    ]);
  });

  it('reads for-expression and dynamic-block names as bound, and ignores names in strings and comments', async () => {
    const report = await checkFiles({
      'main.tf': `variable "members" {
  type = list(string)
}
locals {
  # see var.nothing, a comment
  grants = { for pair in setproduct(["a"], var.members) : "\${pair[0]} \${pair[1]}" => { member = pair[1] } }
  literal = "var.nothing is text"
}
resource "google_cloudfunctions2_function" "f" {
  name     = "f"
  location = "l"
  dynamic "event_trigger" {
    for_each = local.grants
    content {
      event_type = event_trigger.value.member
    }
  }
}
`,
    });
    expect(report.errors).toEqual([]);
  });

  it('exits 1 from the command line on a broken module, naming file and line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-check-'));
    try {
      writeFileSync(path.join(dir, 'main.tf'), 'resource "google_pubsub_topic" "t" {\n  name = "t"\n  retention = "1d"\n}\n');
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/terraform-check/cli.ts'), dir], { cwd: root, encoding: 'utf8' });
      expect(run.stdout).toMatch(/^ERROR .*main\.tf:3: google_pubsub_topic\.t: retention: unknown argument/m);
      expect(run.stdout).toMatch(/1 errors, 0 warnings\n$/);
      expect(run.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Skipped, with the reason in its name, on machines without a terraform binary.
describe.skipIf(!hasTerraform)(`terraform fmt${hasTerraform ? '' : ' (skipped: no terraform binary on PATH)'}`, () => {
  it('finds nothing to reformat', () => {
    const run = spawnSync('terraform', ['fmt', '-check', '-recursive', 'terraform/'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    expect(run.stdout, 'files terraform fmt would change').toBe('');
    expect(run.status).toBe(0);
  });
});

describe('functions in code and in Terraform', () => {
  it('routes.ts lists every function registered in functions/', () => {
    expect(routes.map((r) => r.name).sort()).toEqual(registeredFunctionNames(path.join(root, 'functions')));
  });

  it('every function in routes.ts has a Terraform function with that entry point, of the same kind, and the reverse', () => {
    expect(compareEntryPoints(routes, terraformFunctions(mod))).toEqual({ missingInTerraform: [], missingInCode: [], wrongTrigger: [] });
  });

  it('reports a function added to the code without Terraform, and one Terraform deploys that the code lacks', () => {
    const tf = terraformFunctions(mod);
    // Code that matches the module exactly, then one change at a time.
    const code = tf.map((f) => ({ name: f.entryPoint, kind: f.trigger === 'pubsub' ? ('event' as const) : ('http' as const) }));
    expect(compareEntryPoints(code, tf)).toEqual({ missingInTerraform: [], missingInCode: [], wrongTrigger: [] });
    const withExtra = [...code, { name: 'rerank', kind: 'http' as const }];
    expect(compareEntryPoints(withExtra, tf).missingInTerraform).toEqual(['rerank']);
    const withoutEmbed = code.filter((r) => r.name !== 'embed');
    expect(compareEntryPoints(withoutEmbed, tf).missingInCode).toEqual(['embed']);
    const wrongKind = code.map((r) => (r.name === 'embed' ? { ...r, kind: 'event' as const } : r));
    expect(compareEntryPoints(wrongKind, tf).wrongTrigger).toEqual(['embed']);
  });

  it('resolves entry points from the function map, so a missing map line is caught', async () => {
    const synthetic = await parseModule({
      'main.tf': `locals {
  functions = {
    embed  = { trigger = "http" }
    health = { trigger = "http" }
  }
}
resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions
  name     = each.key
  location = "us-central1"
  build_config {
    entry_point = each.key
  }
}
resource "google_cloudfunctions2_function" "single" {
  name     = "chunk"
  location = "us-central1"
  build_config {
    entry_point = "chunk"
  }
}
`,
    });
    expect(terraformFunctions(synthetic).map((f) => f.entryPoint).sort()).toEqual(['chunk', 'embed', 'health']);
    const report = compareEntryPoints([{ name: 'embed', kind: 'http' }, { name: 'similarity', kind: 'http' }], terraformFunctions(synthetic));
    expect(report.missingInTerraform).toEqual(['similarity']);
    expect(report.missingInCode).toEqual(['chunk', 'health']);
  });

  it('refuses to guess when the function map is not a literal local', async () => {
    const synthetic = await parseModule({
      'main.tf': 'resource "google_cloudfunctions2_function" "f" {\n  for_each = var.functions\n  name     = each.key\n  location = "x"\n  build_config {\n    entry_point = each.key\n  }\n}\n',
    });
    expect(() => terraformFunctions(synthetic)).toThrow(/for_each must be a local map/);
  });
});

describe('the browser pages (playground, openapi, docs)', () => {
  const pages = routes.filter((r) => ['playground', 'openapi', 'docs'].includes(r.name)).map((r) => r.name);

  it('are deployed only when var.playground asks, which is off by default', () => {
    expect(pages.sort()).toEqual(['docs', 'openapi', 'playground']);
    const functions = mod.locals.functions as Record<string, Record<string, unknown>>;
    for (const name of pages) expect(functions[name], name).toMatchObject({ trigger: 'http', playground: true });
    for (const [name, f] of Object.entries(functions)) if (!pages.includes(name)) expect(f.playground, name).toBeUndefined();
    expect(mod.locals.deployed_functions).toBe('${{ for name, f in local.functions : name => f if !try(f.playground, false) || var.playground }}');
    for (const type of ['google_cloudfunctions2_function', 'google_storage_bucket_object']) {
      for (const block of Object.values(mod.resource[type] ?? {}).flat()) expect(block.for_each, type).toBe('${local.deployed_functions}');
    }
    expect(mod.data.archive_file?.source?.[0]?.for_each).toBe('${local.deployed_functions}');
    expect(mod.variable.playground?.[0]).toMatchObject({ type: '${bool}', default: false });
  });

  it('get the same invoker IAM as the other HTTP functions, and the URLs of the functions they call', () => {
    expect(mod.locals.http_functions).toContain('local.deployed_functions');
    expect(mod.locals.http_invoker_grants).toContain('keys(local.http_functions)');
    const env = mod.resource.google_cloudfunctions2_function!.function![0]!.service_config[0].environment_variables;
    expect(env).toContain('try(each.value.playground, false) ? local.page_environment : {}');
    expect(mod.locals.page_environment).toEqual({ ROUTE_URLS: '${jsonencode(local.route_urls)}' });
  });
});

describe('IAM', () => {
  it('grants no primitive role anywhere', () => {
    expect(primitiveRoles(mod)).toEqual([]);
  });

  it('finds a primitive role even inside an expression or a map key', async () => {
    const synthetic = await parseModule({
      'iam.tf': 'locals {\n  roles = merge({ "roles/editor" = "x" }, {})\n}\nresource "google_project_iam_member" "m" {\n  project = "p"\n  role    = "roles/owner"\n  member  = "user:a@example.com"\n}\n',
    });
    expect(primitiveRoles(synthetic).map((s) => s.split(': ')[1])).toEqual(expect.arrayContaining(['roles/editor', 'roles/owner']));
  });

  it('is additive only: no *_iam_binding or *_iam_policy resources', () => {
    expect(authoritativeIam(mod)).toEqual([]);
  });

  it('mentions allUsers only behind allow_unauthenticated_invocations', () => {
    const mentions = publicMembers(mod).filter(([at]) => !at.includes('.variable.'));
    expect(mentions.length).toBeGreaterThan(0);
    for (const [, expression] of mentions) expect(expression).toMatch(/var\.allow_unauthenticated_invocations \? \["allUsers"\]/);
    expect(mod.variable.allow_unauthenticated_invocations?.[0]?.default).toBe(false);
  });
});

describe('batch delivery', () => {
  it('triggers the batch function from the jobs topic with retries', () => {
    const triggers = eventTriggers(mod);
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatchObject({ event_type: 'google.cloud.pubsub.topic.v1.messagePublished', retry_policy: 'RETRY_POLICY_RETRY' });
  });

  it('gives the batch subscription a dead-letter policy, and the Pub/Sub service agent the rights to use it', () => {
    const subs = batchSubscriptions(mod);
    expect(subs.map((s) => s.name)).toEqual(['jobs']);
    const policy = subs[0]!.block.dead_letter_policy?.[0];
    expect(policy?.dead_letter_topic).toMatch(/^\$\{google_pubsub_topic\.dead_letter\.id\}$/);
    expect(policy?.max_delivery_attempts).toBeDefined();
    expect(subs[0]!.block.push_config?.[0]?.push_endpoint).toContain('${google_pubsub_topic.jobs.id}');
    const publisher = mod.resource.google_pubsub_topic_iam_member?.dead_letter_publisher?.[0];
    expect(publisher).toMatchObject({ role: 'roles/pubsub.publisher', topic: '${google_pubsub_topic.dead_letter.name}', member: '${local.pubsub_service_agent}' });
    const subscriber = mod.resource.google_pubsub_subscription_iam_member?.dead_letter_subscriber?.[0];
    expect(subscriber).toMatchObject({ role: 'roles/pubsub.subscriber', for_each: '${google_pubsub_subscription.jobs}', member: '${local.pubsub_service_agent}' });
    expect(mod.locals.pubsub_service_agent).toMatch(/gcp-sa-pubsub\.iam\.gserviceaccount\.com/);
  });
});

// terraform console evaluates variables offline (no provider needed), so validations run for real.
describe.skipIf(!hasTerraform)(`variable validations (terraform console)${hasTerraform ? '' : ' (skipped: no terraform binary on PATH)'}`, () => {
  function evaluate(tfvars: string, expression: string) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-vars-'));
    try {
      writeFileSync(path.join(dir, 'variables.tf'), readFileSync(path.join(moduleDir, 'variables.tf'), 'utf8'));
      writeFileSync(path.join(dir, 'terraform.tfvars'), tfvars);
      const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', NO_COLOR: '1' };
      return spawnSync('terraform', ['console', '-no-color'], { cwd: dir, input: expression + '\n', encoding: 'utf8', env });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('accepts a project id alone, with every default valid', () => {
    const run = evaluate('project_id = "my-proj-123"\n', 'var.function_defaults.memory');
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('"1Gi"');
  });

  it.each([
    ['invoker_members = ["allUsers"]', 'invoker_members entries must be IAM members'],
    ['function_overrides = { embed = { memory = "2GB" } }', 'function_overrides memory values'],
    ['batch_defaults = { timeout_seconds = 600 }', 'batch_defaults.timeout_seconds'],
    ['cache_store = "memcached"', 'cache_store must be firestore, redis or none'],
    ['name_prefix = "Gateway_Prod"', 'name_prefix must be'],
  ])('rejects %s', (line, message) => {
    const run = evaluate(`project_id = "my-proj-123"\n${line}\n`, 'var.project_id');
    expect(run.stderr.replace(/\s+/g, ' ')).toContain(message);
  });
});

// Operations (log-based metrics, dashboard, alerts, usage ledger, caller limits), each switched
// by a variable: the check passes on a root module with each combination, terraform console
// evaluates which parts exist, and every filter reads field names the code writes.
describe('operations switches', () => {
  const switches = ['log_metrics_enabled', 'dashboard_enabled', 'alerts_enabled'] as const;
  const combos: [string, Record<string, string>][] = [
    ['every switch on', { log_metrics_enabled: 'true', dashboard_enabled: 'true', alerts_enabled: 'true', usage_ledger: '{ enabled = true }', caller_limits: '{ indexer = { rpm = 600, tpm = 200000, routes = ["embed"], models = ["local"] } }', notification_channels: '["projects/p/notificationChannels/1"]' }],
    ['every switch off', { log_metrics_enabled: 'false', dashboard_enabled: 'false', alerts_enabled: 'false', usage_ledger: '{ enabled = false }', caller_limits: '{}' }],
    ...switches.map((s): [string, Record<string, string>] => [`only ${s}`, Object.fromEntries(switches.map((o) => [o, String(o === s)]))]),
    ['only the ledger', { log_metrics_enabled: 'false', dashboard_enabled: 'false', alerts_enabled: 'false', usage_ledger: '{ enabled = true, dataset_id = "usage", partition_expiration_days = null }' }],
  ];

  function moduleFiles(): Record<string, string> {
    const files: Record<string, string> = {};
    const copy = (dir: string, into: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) copy(path.join(dir, entry.name), `${into}/${entry.name}`);
        else if (entry.name.endsWith('.tf')) files[`${into}/${entry.name}`] = readFileSync(path.join(dir, entry.name), 'utf8');
      }
    };
    copy(moduleDir, 'module');
    return files;
  }

  it.each(combos)('the check passes on a root module with %s', async (_name, settings) => {
    const args = Object.entries(settings).map(([k, v]) => `  ${k} = ${v}`).join('\n');
    const report = await checkFiles({
      ...moduleFiles(),
      'root/main.tf': `module "gateway" {\n  source     = "../module"\n  project_id = "my-proj-123"\n${args}\n}\n`,
    });
    expect(formatReport(report)).toMatch(/ 0 errors, 0 warnings$/);
  });

  describe.skipIf(!hasTerraform)('which parts exist (terraform console)', () => {
    function operations(tfvars: string): Record<string, unknown> {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-ops-'));
      try {
        for (const file of ['variables.tf', 'operations-variables.tf', 'operations.tf']) writeFileSync(path.join(dir, file), readFileSync(path.join(moduleDir, file), 'utf8'));
        writeFileSync(path.join(dir, 'terraform.tfvars'), `project_id = "my-proj-123"\n${tfvars}`);
        const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', NO_COLOR: '1' };
        const run = spawnSync('terraform', ['console', '-no-color'], { cwd: dir, input: 'jsonencode({ parts = local.operations, env = local.operations_environment })\n', encoding: 'utf8', env });
        expect(run.stderr).toBe('');
        return JSON.parse(JSON.parse(run.stdout.trim()));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it.each([
      ['', { log_metrics: true, dashboard: true, alerts: true, ledger: false }],
      ['log_metrics_enabled = false\n', { log_metrics: false, dashboard: false, alerts: false, ledger: false }],
      ['dashboard_enabled = false\nusage_ledger = { enabled = true }\n', { log_metrics: true, dashboard: false, alerts: true, ledger: true }],
      ['alerts_enabled = false\n', { log_metrics: true, dashboard: true, alerts: false, ledger: false }],
    ])('%j', (tfvars, parts) => {
      expect(operations(tfvars).parts).toEqual(parts);
    });

    it('passes caller_limits to the functions as CALLER_LIMITS, without unset fields', () => {
      const { env } = operations('caller_limits = { indexer = { rpm = 600, routes = ["embed"] }, "*" = { tpm = 1000 } }\n') as { env: Record<string, string> };
      expect(JSON.parse(env.CALLER_LIMITS!)).toEqual({ indexer: { rpm: 600, routes: ['embed'] }, '*': { tpm: 1000 } });
      expect(operations('').env).toEqual({});
    });
  });
});

describe('log-based metrics read the fields the code writes', () => {
  const fullFacts = {
    model: 'm', provider: 'vertex', fallbackReason: 'rate_limited', upstreamFailure: 'rate_limited',
    texts: 2, cachedTexts: 1, tokens: 10, truncated: 1, rateLimit: 'requests' as const,
  };
  const requestLine = requestLineFields({
    route: 'embed', method: 'POST', path: '/embed', status: 429, latencyMs: 1.5, requestSize: 10, responseSize: 20,
    userAgent: 'ua', caller: 'c', errorType: 'rate_limited', trace: null, project: null, facts: fullFacts,
  });
  const shardLine = shardLineFields({
    jobId: 'j', shard: 0, shards: 1, items: 2, errors: 1, tokens: 10, cachedTexts: 0, latencyMs: 1,
    models: [{ model: 'm', provider: 'local', fallback: { used: true, reason: 'unavailable: x' } }],
  });
  const written = { [EVENT.request]: requestLine, [EVENT.batchShard]: shardLine };

  it('every metric selects lines by an event the code writes, and reads only fields such lines carry', () => {
    const metrics = logMetrics(mod);
    expect(metrics.length).toBeGreaterThanOrEqual(10);
    for (const metric of metrics) {
      const refs = fieldRefs(metric.filter, metric.value ?? '', ...Object.values(metric.labels));
      expect([...refs.events].sort(), `${metric.name} selects lines by event`).not.toEqual([]);
      for (const event of refs.events) {
        const line = written[event as keyof typeof written];
        expect(line, `${metric.name}: event "${event}" is not one the code writes`).toBeDefined();
      }
      for (const field of refs.payload) {
        expect(payloadFieldNames, `${metric.name}: jsonPayload.${field}`).toContain(field);
        // The field is on at least one of the lines the metric selects, as the code writes them.
        expect([...refs.events].some((e) => field in written[e as keyof typeof written]!), `${metric.name}: no selected line carries jsonPayload.${field}`).toBe(true);
      }
      for (const field of refs.httpRequest) {
        expect(Object.values(HTTP_REQUEST), `${metric.name}: httpRequest.${field}`).toContain(field);
        expect(requestLine.httpRequest as object).toHaveProperty(field);
      }
    }
  });

  it('the ledger sink copies both kinds of lines', () => {
    const sink = mod.resource.google_logging_project_sink?.ledger?.[0];
    const refs = fieldRefs(resolveLocals(sink!.filter, mod));
    expect([...refs.events].sort()).toEqual([EVENT.batchShard, EVENT.request].sort());
  });

  it('alerts and dashboard group and filter only by labels their metric has', () => {
    expect(unknownMetricLabels(mod, ['alerts', 'dashboard_widgets'])).toEqual([]);
  });

  it('finds a filter that reads a field the code does not write (the check can fail)', async () => {
    const broken = await parseModule({
      'm.tf': 'locals {\n  lines = "jsonPayload.event=\\"request\\""\n  log_metrics = {\n    x = { filter = "${local.lines} AND jsonPayload.fallback>0", labels = { r = "EXTRACT(jsonPayload.routes)" } }\n  }\n}\n',
    });
    const [metric] = logMetrics(broken);
    const refs = fieldRefs(metric!.filter, ...Object.values(metric!.labels));
    expect([...refs.payload].filter((f) => !payloadFieldNames.includes(f)).sort()).toEqual(['fallback', 'routes']);
  });
});
