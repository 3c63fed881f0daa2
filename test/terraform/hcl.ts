// Reads a Terraform module (every .tf file of one folder) into hcl2json's JSON, merged.
// Expressions stay strings ("${local.functions}"); blocks are arrays of objects.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

export type Block = Record<string, any>;

export interface TfModule {
  resource: Record<string, Record<string, Block[]>>;
  data: Record<string, Record<string, Block[]>>;
  locals: Record<string, unknown>;
  variable: Record<string, Block[]>;
  output: Record<string, Block[]>;
}

export async function parseModule(files: Record<string, string>): Promise<TfModule> {
  const mod: TfModule = { resource: {}, data: {}, locals: {}, variable: {}, output: {} };
  for (const [name, text] of Object.entries(files)) {
    const json = (await parse(name, text)) as Record<string, any>;
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, Block[]>>)) {
        mod[kind][type] = { ...mod[kind][type], ...byName };
      }
    }
    for (const block of (json.locals ?? []) as Record<string, unknown>[]) Object.assign(mod.locals, block);
    Object.assign(mod.variable, json.variable ?? {});
    Object.assign(mod.output, json.output ?? {});
  }
  return mod;
}

export function loadModule(dir: string): Promise<TfModule> {
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
    files[file] = readFileSync(path.join(dir, file), 'utf8');
  }
  return parseModule(files);
}
