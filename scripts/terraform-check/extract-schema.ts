// Writes google-schema.json, the google provider schema the offline Terraform check reads, from
// the published CDKTF bindings of the provider (@cdktf/provider-google). Their jsii assembly
// (.jsii, a JSON type system) has, for each resource and data source, a Config struct whose
// properties are the arguments (optional flag = not required; a struct type = a nested block,
// a list of structs = a repeatable block) and a class whose extra getters are the computed
// attributes. Each property's docs link to the registry page with the snake_case name.
//
//   npm run terraform-schema                      # packs the pinned version, writes the schema
//   npm run terraform-schema -- --version 16.12.1 # another bindings release
//   npm run terraform-schema -- --package ./provider-google-16.12.1.tgz
//
// The tarball is ~30 MB (the assembly ~100 MB), hence a committed output rather than a
// test-time step.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { schemaPath, type AttributeMode, type BlockSchema, type NestedBlockSchema, type ProviderSchema } from './schema.js';

export const PACKAGE = '@cdktf/provider-google';
export const PINNED_VERSION = '16.12.1';

/** Types whose full schema the file carries: what this module uses, and its near neighbours. */
export const FAMILIES = [
  'google_artifact_registry_', 'google_bigquery_dataset', 'google_bigquery_table', 'google_client_config',
  'google_cloud_run_', 'google_cloud_scheduler_', 'google_cloud_tasks_', 'google_cloudfunctions',
  'google_compute_network', 'google_compute_subnetwork', 'google_eventarc_', 'google_firestore_',
  'google_iam_policy', 'google_kms_', 'google_logging_', 'google_monitoring_', 'google_project',
  'google_pubsub_', 'google_redis_', 'google_secret_manager_', 'google_service_account',
  'google_storage_bucket', 'google_vpc_access_',
];

interface JsiiType { kind: string; fqn: string; datatype?: boolean; docs?: Docs; properties?: JsiiProperty[];
  initializer?: { parameters?: { name: string; type: TypeRef }[] } }
interface JsiiProperty { name: string; optional?: boolean; static?: boolean; docs?: Docs; type: TypeRef }
interface Docs { summary?: string; remarks?: string }
type TypeRef = { fqn?: string; primitive?: string; collection?: { kind: string; elementtype: TypeRef }; union?: { types: TypeRef[] } };

const snake = (camel: string) => camel.replace(/Attribute$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The registry link in a property's docs ends in `#snake_name Class#snake_name`. */
function hclName(prop: JsiiProperty): string {
  const docs = `${prop.docs?.summary ?? ''} ${prop.docs?.remarks ?? ''}`;
  return docs.match(/#([a-z0-9_]+) [A-Za-z0-9]+#\1\}/)?.[1] ?? snake(prop.name);
}

/** The struct a property's type names, and whether it is one (single) or a list of them. */
function structOf(type: TypeRef, types: Record<string, JsiiType>): { fqn: string; nesting: 'single' | 'list' } | null {
  if (type.fqn && types[type.fqn]?.datatype) return { fqn: type.fqn, nesting: 'single' };
  if (type.collection) {
    const inner = structOf(type.collection.elementtype, types);
    return inner && { fqn: inner.fqn, nesting: 'list' };
  }
  for (const member of type.union?.types ?? []) {
    const inner = structOf(member, types);
    if (inner) return inner;
  }
  return null;
}

/**
 * The struct's arguments and blocks, plus the computed-only attributes the matching getter
 * class adds (the resource class for the top level, `<Struct>OutputReference` inside).
 */
function blockOf(structFqn: string, getterFqn: string | undefined, types: Record<string, JsiiType>, skip: Set<string>): BlockSchema {
  const block: BlockSchema = { attrs: {} };
  const declared = new Set<string>();
  for (const prop of types[structFqn]?.properties ?? []) {
    declared.add(prop.name);
    const name = hclName(prop);
    if (skip.has(name)) continue;
    const struct = structOf(prop.type, types);
    if (!struct) {
      block.attrs[name] = prop.optional ? 'o' : ('r' satisfies AttributeMode);
      continue;
    }
    const nested: NestedBlockSchema = {
      nesting: struct.nesting,
      ...(prop.optional ? {} : { required: true as const }),
      ...blockOf(struct.fqn, `${struct.fqn}OutputReference`, types, new Set()),
    };
    (block.blocks ??= {})[name] = nested;
  }
  for (const prop of types[getterFqn ?? '']?.properties ?? []) {
    if (prop.static || declared.has(prop.name) || prop.name.endsWith('Input') || prop.name === 'internalValue') continue;
    const name = snake(prop.name);
    if (!(name in block.attrs) && !block.blocks?.[name] && !skip.has(name)) block.attrs[name] = 'c';
  }
  return block;
}

/** Arguments every Config struct inherits from cdktf.TerraformMetaArguments, not the provider's. */
const META = new Set(['connection', 'count', 'depends_on', 'for_each', 'lifecycle', 'provider', 'provisioners']);

export function extractSchema(assembly: { types: Record<string, JsiiType> }, bindings: string, families = FAMILIES): ProviderSchema {
  const { types } = assembly;
  const schema: ProviderSchema = {
    provider: 'hashicorp/google', version: '', source: bindings,
    regenerate: 'npm run terraform-schema (scripts/terraform-check/extract-schema.ts)',
    families, resources: {}, data_sources: {}, other_types: { resources: [], data_sources: [] },
  };
  for (const type of Object.values(types)) {
    if (type.kind !== 'class') continue;
    const link = type.docs?.summary?.match(/providers\/hashicorp\/google\/([\d.]+)\/docs\/(resources|data-sources)\/\S+ (google_[a-z0-9_]+)\}/);
    if (!link) continue;
    const [, version, kind, name] = link as unknown as [string, string, string, string];
    schema.version ||= version;
    const config = type.initializer?.parameters?.find((p) => p.name === 'config')?.type.fqn;
    const section = kind === 'resources' ? 'resources' : 'data_sources';
    if (!config || !families.some((f) => name.startsWith(f))) {
      schema.other_types[section].push(name);
      continue;
    }
    schema[section][name] = blockOf(config, type.fqn, types, META);
  }
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  schema.resources = sorted(schema.resources);
  schema.data_sources = sorted(schema.data_sources);
  schema.other_types.resources.sort();
  schema.other_types.data_sources.sort();
  return schema;
}

/** `npm pack` the bindings (the ordinary client, whatever registry it is set up with) and unpack the assembly. */
function readAssembly(tarball: string, dir: string): { types: Record<string, JsiiType>; bindings: string } {
  execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/.jsii', 'package/package.json']);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package/package.json'), 'utf8')) as { name: string; version: string };
  const assembly = JSON.parse(readFileSync(path.join(dir, 'package/.jsii'), 'utf8')) as { types: Record<string, JsiiType> };
  return { types: assembly.types, bindings: `${pkg.name}@${pkg.version}` };
}

async function main() {
  const { values } = parseArgs({ options: { version: { type: 'string' }, package: { type: 'string' }, out: { type: 'string' } } });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'provider-google-'));
  try {
    let tarball = values.package && path.resolve(values.package);
    if (!tarball) {
      const spec = `${PACKAGE}@${values.version ?? PINNED_VERSION}`;
      console.error(`packing ${spec} ...`);
      const file = execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
      tarball = path.join(dir, file);
    }
    const { types, bindings } = readAssembly(tarball, dir);
    const schema = extractSchema({ types }, bindings);
    const out = values.out ?? schemaPath;
    writeFileSync(out, JSON.stringify(schema) + '\n');
    console.error(`${out}: google provider ${schema.version} from ${bindings}, ${Object.keys(schema.resources).length} resource and ` +
      `${Object.keys(schema.data_sources).length} data source schemas, ${schema.other_types.resources.length + schema.other_types.data_sources.length} other type names`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
