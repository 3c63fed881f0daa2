// Checks a JSON row against a BigQuery table schema (the JSON Terraform's google_bigquery_table
// reads), the way a BigQuery subscription with use_table_schema maps message fields to columns:
// every field must be a column, every REQUIRED column present, every value of its column's type.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SchemaField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: SchemaField[];
}

/** Columns the subscription writes itself (write_metadata): a message must not carry them. */
export const METADATA_COLUMNS = ['subscription_name', 'message_id', 'publish_time', 'attributes'];

export const rowsSchemaPath = path.resolve(__dirname, '../../terraform/schemas/batch-rows.json');
export const loadRowsSchema = (): SchemaField[] => JSON.parse(readFileSync(rowsSchemaPath, 'utf8'));

function valueProblem(type: string, value: unknown, fields: SchemaField[] | undefined, at: string): string[] {
  switch (type) {
    case 'STRING': return typeof value === 'string' ? [] : [`${at}: expected a string`];
    case 'INTEGER': case 'INT64': return Number.isSafeInteger(value) ? [] : [`${at}: expected an integer`];
    case 'FLOAT': case 'FLOAT64': return typeof value === 'number' && Number.isFinite(value) ? [] : [`${at}: expected a finite number`];
    case 'BOOLEAN': case 'BOOL': return typeof value === 'boolean' ? [] : [`${at}: expected a boolean`];
    // A number is microseconds since the epoch (the Storage Write API's int64 representation,
    // which Pub/Sub's use_table_schema requires of numbers); a string must parse as a time.
    case 'TIMESTAMP': return Number.isSafeInteger(value) || (typeof value === 'string' && !Number.isNaN(Date.parse(value))) ? [] : [`${at}: expected a timestamp`];
    case 'JSON': return [];
    case 'RECORD': case 'STRUCT':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? rowProblems(value as Record<string, unknown>, fields ?? [], at, false) : [`${at}: expected an object`];
    default: return [`${at}: column type ${type} is not checked here`];
  }
}

export function rowProblems(row: Record<string, unknown>, schema: SchemaField[], at = 'row', top = true): string[] {
  const problems: string[] = [];
  const columns = new Map(schema.map((f) => [f.name, f]));
  for (const key of Object.keys(row)) {
    if (!columns.has(key)) problems.push(`${at}.${key}: no such column`);
    else if (top && METADATA_COLUMNS.includes(key)) problems.push(`${at}.${key}: written by the subscription, not the message`);
  }
  for (const field of schema) {
    if (top && METADATA_COLUMNS.includes(field.name)) continue;
    const value = row[field.name];
    const where = `${at}.${field.name}`;
    if (field.mode === 'REPEATED') {
      if (!Array.isArray(value)) problems.push(`${where}: expected an array`);
      else value.forEach((v, i) => problems.push(...valueProblem(field.type, v, field.fields, `${where}[${i}]`)));
      continue;
    }
    if (value === undefined || value === null) {
      if (field.mode === 'REQUIRED') problems.push(`${where}: required`);
      continue;
    }
    problems.push(...valueProblem(field.type, value, field.fields, where));
  }
  return problems;
}
