// An offline part of `terraform validate` for modules using the hashicorp/google provider, for
// machines with neither the provider binary nor the Terraform registry. Every folder holding
// .tf files is one module. It reports, from the schema in google-schema.json:
// - an unknown argument or block of a google_* resource or data source, a missing required
//   one, a read-only (computed) attribute set, a block written as `x = ...`, a repeated
//   single block;
// - a reference to an undeclared variable, local, module, resource or data source, to an
//   attribute a google_* type does not have, or to an attribute of a count / for_each
//   resource without an index; a declaration made twice;
// - for a local module call, an argument the child does not declare, a required variable not
//   passed, and an output the child does not have.
// It does not evaluate expressions or check value types.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { templateReferences, type Reference } from './references.js';
import type { BlockSchema, ProviderSchema } from './schema.js';

export interface Finding {
  file: string;
  line: number;
  address: string;
  message: string;
}

export interface Report {
  modules: number;
  resources: number;
  dataSources: number;
  errors: Finding[];
  warnings: Finding[];
}

type Body = Record<string, any>;

interface Declared { file: string; body: Body }

interface Module {
  dir: string;
  files: Record<string, string>;
  resources: Map<string, Declared>;
  data: Map<string, Declared>;
  variables: Map<string, Declared>;
  locals: Map<string, Declared>;
  modules: Map<string, Declared>;
  outputs: Map<string, Declared>;
  /** Every other top-level block (terraform, provider, check, moved, import), to scan for references. */
  rest: Declared[];
}

/** Arguments Terraform itself gives every resource and data source, whatever the provider. */
const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection', 'dynamic']);
/** Roots of references that need no declaration. */
const BUILTIN_ROOTS = new Set(['each', 'count', 'self', 'path', 'terraform']);

export function moduleDirs(root: string): string[] {
  const dirs: string[] = [];
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.tf'))) dirs.push(dir);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) visit(path.join(dir, e.name));
  };
  visit(root);
  return dirs.sort();
}

async function loadModule(dir: string, errors: Finding[]): Promise<Module> {
  const mod: Module = {
    dir, files: {}, resources: new Map(), data: new Map(), variables: new Map(), locals: new Map(),
    modules: new Map(), outputs: new Map(), rest: [],
  };
  const declare = (map: Map<string, Declared>, key: string, file: string, body: Body, address: string) => {
    if (map.has(key)) errors.push({ file, line: lineOf(mod.files[file]!, address), address, message: `declared twice (also in ${map.get(key)!.file})` });
    else map.set(key, { file, body });
  };
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.tf') && !f.endsWith('override.tf')).sort()) {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    mod.files[file] = text;
    let json: Body;
    try {
      json = (await parse(file, text)) as Body;
    } catch (err) {
      errors.push({ file, line: 0, address: '', message: `HCL syntax: ${(err as Error).message.split('\n')[0]}` });
      continue;
    }
    for (const [kind, map] of [['resource', mod.resources], ['data', mod.data]] as const) {
      for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, Body[]>>)) {
        for (const [label, bodies] of Object.entries(byName)) {
          for (const body of bodies) declare(map, `${type}.${label}`, file, body, `${kind === 'data' ? 'data.' : ''}${type}.${label}`);
        }
      }
    }
    for (const [kind, map] of [['variable', mod.variables], ['module', mod.modules], ['output', mod.outputs]] as const) {
      for (const [label, bodies] of Object.entries((json[kind] ?? {}) as Record<string, Body[]>)) {
        for (const body of bodies) declare(map, label, file, body, `${kind}.${label}`);
      }
    }
    for (const block of (json.locals ?? []) as Body[]) {
      for (const [label, value] of Object.entries(block)) declare(mod.locals, label, file, { value }, `local.${label}`);
    }
    for (const [kind, value] of Object.entries(json)) {
      if (!['resource', 'data', 'variable', 'module', 'output', 'locals'].includes(kind)) mod.rest.push({ file, body: { [kind]: value } });
    }
  }
  return mod;
}

/** Approximate line of a declaration (hcl2json keeps no positions): a text search. */
function lineOf(text: string, address: string, attribute?: string): number {
  const parts = address.replace(/^data\./, 'data ').split(/[. ]/);
  const header = address.startsWith('data.') ? `data\\s+"${parts[1]}"\\s+"${parts[2]}"`
    : /^(variable|module|output)\./.test(address) ? `${parts[0]}\\s+"${parts[1]}"`
    : address.startsWith('local.') ? `^\\s*${parts[1]}\\s*=`
    : `resource\\s+"${parts[0]}"\\s+"${parts[1]}"`;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => new RegExp(header).test(l));
  if (start < 0) return 0;
  if (attribute) {
    const at = lines.findIndex((l, i) => i > start && new RegExp(`^\\s*(dynamic\\s+")?${attribute}"?\\s*[={]`).test(l));
    if (at >= 0) return at + 1;
  }
  return start + 1;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function suggest(name: string, candidates: string[]): string {
  const near = candidates.filter((c) => distance(name, c) <= Math.max(2, Math.floor(name.length / 3)) || c.includes(name) || name.includes(c));
  return near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : '';
}

/** Arguments and blocks of one block body against its schema; `top` allows the meta-arguments. */
function checkBody(body: Body, schema: BlockSchema, at: string, top: boolean, report: (message: string, attribute?: string) => void) {
  const attrs = schema.attrs;
  const blocks = schema.blocks ?? {};
  const settable = [...Object.keys(attrs).filter((a) => attrs[a] !== 'c'), ...Object.keys(blocks)];
  const dynamic = (body.dynamic ?? {}) as Record<string, Body[]>;
  for (const [name, value] of Object.entries(body)) {
    if (name === 'dynamic' || (top && META.has(name))) continue;
    if (attrs[name] === 'c') report(`${at}${name} is read-only (computed by the provider)`, name);
    else if (blocks[name]) {
      const list = Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v)) ? (value as Body[]) : null;
      if (!list) {
        report(`${at}${name} is a block: write ${name} { ... }, not ${name} = ...`, name);
        continue;
      }
      if (blocks[name].nesting === 'single' && list.length + (dynamic[name]?.length ?? 0) > 1) report(`${at}${name} may appear once`, name);
      for (const [i, item] of list.entries()) checkBody(item, blocks[name], `${at}${name}${list.length > 1 ? `[${i}]` : ''}.`, false, report);
    } else if (!(name in attrs)) report(`${at}${name}: unknown argument${suggest(name, settable)}`, name);
  }
  for (const [name, dyns] of Object.entries(dynamic)) {
    if (!blocks[name]) {
      report(`${at}dynamic "${name}": ${attrs[name] ? 'not a block' : `unknown block${suggest(name, Object.keys(blocks))}`}`, name);
      continue;
    }
    for (const dyn of dyns) for (const content of (dyn.content ?? []) as Body[]) checkBody(content, blocks[name], `${at}${name}.`, false, report);
  }
  for (const [name, mode] of Object.entries(attrs)) if (mode === 'r' && !(name in body)) report(`${at}${name}: required argument missing`);
  for (const [name, block] of Object.entries(blocks)) {
    if (block.required && !(name in body) && !(name in dynamic)) report(`${at}${name}: required block missing`);
  }
}

/** The attribute path a reference reads, against the type's schema; null when it is fine. */
function attributeProblem(ref: Reference, from: number, schema: BlockSchema): string | null {
  let block: BlockSchema | undefined = schema;
  for (const step of ref.steps.slice(from)) {
    if (step === null) continue;
    if (!block) return null;
    if (step in block.attrs || step === 'id') return null; // nested values of attributes are not in the schema
    const nested: BlockSchema | undefined = block.blocks?.[step];
    if (!nested) return `${ref.text}: no attribute "${step}"${suggest(step, [...Object.keys(block.attrs), ...Object.keys(block.blocks ?? {})])}`;
    block = nested;
  }
  return null;
}

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('${')) yield k;
      yield* strings(v);
    }
  }
}

/** Names `dynamic` blocks bind (their label, or `iterator`), usable as roots inside them. */
function dynamicIterators(value: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) dynamicIterators(v, names);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'dynamic' && v && typeof v === 'object') {
        for (const [label, dyns] of Object.entries(v as Record<string, Body[]>)) {
          names.add(label);
          for (const dyn of dyns) if (typeof dyn.iterator === 'string') names.add(dyn.iterator);
        }
      }
      dynamicIterators(v, names);
    }
  }
  return names;
}

/** `for_each` and `count` values are a bare reference in hcl2json ("${local.m}"), a literal map, or a list. */
const isRepeated = (body: Body) => 'count' in body || 'for_each' in body;

const referencesIn = (value: unknown) => [...strings(value)].flatMap((s) => templateReferences(s));

function checkReferences(mod: Module, schema: ProviderSchema, children: Map<string, Module>, errors: Finding[]) {
  const resolveType = (type: string, kind: 'resource' | 'data') => (kind === 'resource' ? schema.resources[type] : schema.data_sources[type]);
  const scan = (file: string, address: string, value: unknown) => {
    const iterators = dynamicIterators(value);
    const err = (message: string) => errors.push({ file, line: lineOf(mod.files[file]!, address), address, message });
    for (const ref of referencesIn(value)) {
      if (ref.steps.length === 0 || BUILTIN_ROOTS.has(ref.root) || iterators.has(ref.root)) continue;
      const first = ref.steps[0];
      if (ref.root === 'var' || ref.root === 'local') {
        const map = ref.root === 'var' ? mod.variables : mod.locals;
        if (first && !map.has(first)) err(`${ref.text}: undeclared ${ref.root === 'var' ? 'variable' : 'local value'} "${first}"${suggest(first, [...map.keys()])}`);
        continue;
      }
      if (ref.root === 'module') {
        const call = first && mod.modules.get(first);
        if (!call) err(`${ref.text}: undeclared module "${first}"`);
        else {
          const child = children.get(first!);
          const output = ref.steps[1];
          if (child && output && !child.outputs.has(output)) err(`${ref.text}: module "${first}" has no output "${output}"${suggest(output, [...child.outputs.keys()])}`);
        }
        continue;
      }
      const isData = ref.root === 'data';
      const kind = isData ? 'data' : 'resource';
      const [type, name] = isData || ref.root === 'resource' ? [ref.steps[0], ref.steps[1]] : [ref.root, ref.steps[0]];
      const offset = isData || ref.root === 'resource' ? 2 : 1;
      if (!isData && ref.root !== 'resource' && !ref.root.includes('_')) {
        err(`${ref.text}: unknown name "${ref.root}"`);
        continue;
      }
      if (!type || !name) continue;
      const declared = (isData ? mod.data : mod.resources).get(`${type}.${name}`);
      if (!declared) {
        err(`${ref.text}: undeclared ${isData ? 'data source' : 'resource'} ${type}.${name}`);
        continue;
      }
      const rest = ref.steps.slice(offset);
      if (isRepeated(declared.body) && typeof rest[0] === 'string') {
        err(`${ref.text}: ${type}.${name} has count or for_each; index it (${type}.${name}[...].${rest[0]})`);
        continue;
      }
      const typeSchema = resolveType(type, kind);
      const problem = typeSchema && attributeProblem(ref, offset, typeSchema);
      if (problem) err(problem);
    }
  };
  for (const [key, { file, body }] of mod.resources) scan(file, key, body);
  for (const [key, { file, body }] of mod.data) scan(file, `data.${key}`, body);
  for (const [key, { file, body }] of mod.locals) scan(file, `local.${key}`, body.value);
  for (const [key, { file, body }] of mod.outputs) scan(file, `output.${key}`, body);
  for (const [key, { file, body }] of mod.modules) scan(file, `module.${key}`, body);
  for (const { file, body } of mod.rest) scan(file, Object.keys(body)[0]!, body);
  // A variable's validation may only read the variable itself.
  for (const [key, { file, body }] of mod.variables) {
    for (const ref of referencesIn(body.validation)) {
      if (ref.root === 'var' && ref.steps[0] !== key) errors.push({ file, line: lineOf(mod.files[file]!, `variable.${key}`), address: `variable.${key}`, message: `${ref.text}: a validation may only refer to var.${key}` });
    }
  }
}

const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

function checkModuleCalls(mod: Module, children: Map<string, Module>, errors: Finding[]) {
  for (const [name, { file, body }] of mod.modules) {
    const child = children.get(name);
    if (!child) continue;
    const err = (message: string) => errors.push({ file, line: lineOf(mod.files[file]!, `module.${name}`), address: `module.${name}`, message });
    for (const arg of Object.keys(body)) {
      if (!MODULE_META.has(arg) && !child.variables.has(arg)) err(`${arg}: the module has no variable "${arg}"${suggest(arg, [...child.variables.keys()])}`);
    }
    for (const [variable, { body: decl }] of child.variables) {
      if (!('default' in decl) && !(variable in body)) err(`${variable}: required variable of the module not set`);
    }
  }
}

export async function checkModules(root: string, schema: ProviderSchema): Promise<Report> {
  const report: Report = { modules: 0, resources: 0, dataSources: 0, errors: [], warnings: [] };
  const loaded = new Map<string, Module>();
  const load = async (dir: string) => {
    if (!loaded.has(dir)) loaded.set(dir, await loadModule(dir, report.errors));
    return loaded.get(dir)!;
  };
  const known = {
    resource: new Set([...Object.keys(schema.resources), ...schema.other_types.resources]),
    data: new Set([...Object.keys(schema.data_sources), ...schema.other_types.data_sources]),
  };
  for (const dir of moduleDirs(root)) {
    const mod = await load(dir);
    report.modules++;
    const children = new Map<string, Module>();
    for (const [name, { body }] of mod.modules) {
      const source = body.source;
      const childDir = typeof source === 'string' && /^\.\.?(\/|$)/.test(source) ? path.resolve(dir, source) : null;
      if (childDir && statSync(childDir, { throwIfNoEntry: false })?.isDirectory()) children.set(name, await load(childDir));
    }
    for (const [kind, map] of [['resource', mod.resources], ['data', mod.data]] as const) {
      for (const [key, { file, body }] of map) {
        if (kind === 'resource') report.resources++;
        else report.dataSources++;
        const type = key.split('.')[0]!;
        const address = kind === 'data' ? `data.${key}` : key;
        if (!type.startsWith('google_')) continue;
        const beta = typeof body.provider === 'string' && body.provider.includes('google-beta');
        const typeSchema = kind === 'resource' ? schema.resources[type] : schema.data_sources[type];
        const at = (attribute?: string) => lineOf(mod.files[file]!, address, attribute);
        if (!typeSchema) {
          const exists = known[kind].has(type);
          const finding = { file, line: at(), address, message: exists
            ? `${type} is outside the checked families of the schema; its arguments are not checked`
            : `${type} is not a ${kind === 'data' ? 'data source' : 'resource'} of hashicorp/google ${schema.version}${suggest(type, [...known[kind]])}` };
          (exists || beta ? report.warnings : report.errors).push(finding);
          continue;
        }
        checkBody(body, typeSchema, '', true, (message, attribute) =>
          (beta ? report.warnings : report.errors).push({ file, line: at(attribute), address, message }));
      }
    }
    checkReferences(mod, schema, children, report.errors);
    checkModuleCalls(mod, children, report.errors);
  }
  for (const list of [report.errors, report.warnings]) {
    list.forEach((f) => (f.file = path.relative(process.cwd(), f.file)));
  }
  return report;
}

export function formatReport(report: Report): string {
  const line = (level: string) => (f: Finding) => `${level} ${f.file}:${f.line}: ${f.address}: ${f.message}`;
  return [
    ...report.errors.map(line('ERROR')),
    ...report.warnings.map(line('WARNING')),
    `terraform-check: ${report.modules} modules, ${report.resources} resources, ${report.dataSources} data sources, ` +
      `${report.errors.length} errors, ${report.warnings.length} warnings`,
  ].join('\n');
}

