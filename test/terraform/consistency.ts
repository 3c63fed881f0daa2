// The project's own checks of the Terraform module against the code: which entry points it
// deploys, which roles it grants, how the batch subscription fails over to its dead letter.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { RouteEntry } from '../../shared/routes.js';
import type { Block, TfModule } from './hcl.js';

export interface TfFunction {
  entryPoint: string;
  /** "http" or "pubsub" as the module's function map says; null when the resource has no map. */
  trigger: string | null;
}

const reference = (expr: unknown, pattern: RegExp) => (typeof expr === 'string' ? expr.match(pattern) : null);

/**
 * Entry points of every google_cloudfunctions2_function: a literal, or `each.key` /
 * `each.value.entry_point` over a `for_each = local.X` map written as a literal. Anything the
 * check cannot resolve is an error, never a silent pass.
 */
export function terraformFunctions(mod: TfModule): TfFunction[] {
  const found: TfFunction[] = [];
  for (const [name, blocks] of Object.entries(mod.resource.google_cloudfunctions2_function ?? {})) {
    for (const block of blocks) {
      const entry = block.build_config?.[0]?.entry_point;
      if (typeof entry === 'string' && !entry.includes('${')) {
        found.push({ entryPoint: entry, trigger: block.event_trigger ? 'pubsub' : 'http' });
        continue;
      }
      const local = reference(block.for_each, /^\$\{local\.([A-Za-z0-9_]+)\}$/)?.[1];
      const map = local ? literalMap(mod, local) : undefined;
      if (!map || typeof map !== 'object' || Array.isArray(map)) {
        throw new Error(`google_cloudfunctions2_function.${name}: for_each must be a local map written as a literal, got ${JSON.stringify(block.for_each)}`);
      }
      for (const [key, value] of Object.entries(map as Record<string, Record<string, unknown>>)) {
        const entryPoint = entry === '${each.key}' ? key : entry === '${each.value.entry_point}' ? value.entry_point : undefined;
        if (typeof entryPoint !== 'string') throw new Error(`google_cloudfunctions2_function.${name}: cannot resolve entry_point ${JSON.stringify(entry)}`);
        found.push({ entryPoint, trigger: typeof value.trigger === 'string' ? value.trigger : null });
      }
    }
  }
  return found;
}

/**
 * A local written as a literal map, or as one filtering `for` over such a local (the functions
 * an apply deploys, e.g. the pages only with var.playground): the entries it may deploy.
 */
function literalMap(mod: TfModule, name: string): unknown {
  const value = mod.locals[name];
  const filtered = reference(value, /^\$\{\{\s*for \w+, \w+ in local\.([A-Za-z0-9_]+) : \w+ => \w+ if [^}]*\}\}$/)?.[1];
  return filtered ? mod.locals[filtered] : value;
}

export interface EntryPointReport {
  missingInTerraform: string[];
  missingInCode: string[];
  wrongTrigger: string[];
}

export function compareEntryPoints(routes: Pick<RouteEntry, 'name' | 'kind'>[], functions: TfFunction[]): EntryPointReport {
  const tf = new Map(functions.map((f) => [f.entryPoint, f]));
  const code = new Map(routes.map((r) => [r.name, r]));
  const expected = (kind: RouteEntry['kind']) => (kind === 'event' ? 'pubsub' : 'http');
  return {
    missingInTerraform: routes.filter((r) => !tf.has(r.name)).map((r) => r.name).sort(),
    missingInCode: functions.filter((f) => !code.has(f.entryPoint)).map((f) => f.entryPoint).sort(),
    wrongTrigger: routes
      .filter((r) => tf.has(r.name) && tf.get(r.name)!.trigger !== null && tf.get(r.name)!.trigger !== expected(r.kind))
      .map((r) => r.name)
      .sort(),
  };
}

/** Names registered with functions-framework in functions/<dir>/index.ts. */
export function registeredFunctionNames(functionsDir: string): string[] {
  const names: string[] = [];
  for (const dir of readdirSync(functionsDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const file = path.join(functionsDir, dir.name, 'index.ts');
    if (!existsSync(file)) continue;
    // Each module exports its route: httpRoute({ name: ... }), pageRoute({ name: ... }) or batchRoute('...').
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\b(?:httpRoute|pageRoute)(?:<[^(]*>)?\(\s*\{\s*name:\s*['"]([^'"]+)['"]|\bbatchRoute\(\s*['"]([^'"]+)['"]/g)) names.push((match[1] ?? match[2])!);
  }
  return names.sort();
}

function* strings(value: unknown, at: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [at, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield [`${at}.${k} (key)`, k];
      yield* strings(v, `${at}.${k}`);
    }
  }
}

const PRIMITIVE = /roles\/(owner|editor|viewer)\b/;

/** Every place a primitive role appears: attributes, map keys, expressions, locals. */
export function primitiveRoles(mod: TfModule): string[] {
  return [...strings(mod, 'module')].filter(([, s]) => PRIMITIVE.test(s)).map(([at, s]) => `${at}: ${s.match(PRIMITIVE)![0]}`);
}

/** IAM resources that replace a resource's whole policy or a role's members instead of adding one. */
export function authoritativeIam(mod: TfModule): string[] {
  return Object.keys(mod.resource).filter((type) => /_iam_(binding|policy)$/.test(type));
}

/** Where allUsers / allAuthenticatedUsers appear, with the expression around them. */
export function publicMembers(mod: TfModule): [string, string][] {
  return [...strings(mod, 'module')].filter(([, s]) => /\ball(Authenticated)?Users\b/.test(s));
}

/** Every event_trigger of every function, static or `dynamic "event_trigger"` content. */
export function eventTriggers(mod: TfModule): Block[] {
  const triggers: Block[] = [];
  for (const blocks of Object.values(mod.resource.google_cloudfunctions2_function ?? {})) {
    for (const block of blocks) {
      triggers.push(...((block.event_trigger ?? []) as Block[]));
      for (const dyn of (block.dynamic?.event_trigger ?? []) as Block[]) triggers.push(...((dyn.content ?? []) as Block[]));
    }
  }
  return triggers;
}

const topicRef = (expr: unknown) => reference(expr, /\$\{(google_pubsub_topic\.[A-Za-z0-9_]+)\./)?.[1];

/** Subscriptions on the topic the batch function is triggered by: where jobs are delivered from. */
export function batchSubscriptions(mod: TfModule): { name: string; block: Block }[] {
  const jobs = new Set(eventTriggers(mod).map((t) => topicRef(t.pubsub_topic)).filter(Boolean));
  const subs: { name: string; block: Block }[] = [];
  for (const [name, blocks] of Object.entries(mod.resource.google_pubsub_subscription ?? {})) {
    for (const block of blocks) if (jobs.has(topicRef(block.topic))) subs.push({ name, block });
  }
  return subs;
}
