// `npm run terraform-check [-- <dir> [--schema file.json]]`: the offline Terraform check of
// every module under <dir> (default terraform/). Exit 0: no errors; 1: errors; 2: bad usage.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkModules, formatReport } from './check.js';
import { loadSchema, schemaPath } from './schema.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { schema: { type: 'string' } } });
const root = positionals[0] ?? 'terraform';
if (positionals.length > 1 || !existsSync(root)) {
  console.error('usage: terraform-check [dir] [--schema google-schema.json]');
  process.exit(2);
}
const report = await checkModules(root, loadSchema(values.schema ?? schemaPath));
console.log(formatReport(report));
process.exit(report.errors.length ? 1 : 0);
