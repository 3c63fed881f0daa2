// Field checks that throw invalid_request naming the field. Every adapter (HTTP bodies and the
// batch job message alike) composes these instead of writing its own validation.
import { invalid } from '../errors.js';

export type Json = Record<string, unknown>;

export function rejectUnknownFields(body: Json, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      const near = allowed.find((name) => name.startsWith(key) || key.startsWith(name));
      throw invalid(prefix + key, `Unknown field "${key}"${near ? `; did you mean "${near}"?` : ''}. Known fields: ${allowed.join(', ')}`);
    }
  }
}

export function optionalEnum<T extends string>(body: Json, field: string, allowed: readonly T[], fallback: T, prefix = ''): T {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(prefix + field, `${prefix + field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function optionalBool(body: Json, field: string, fallback: boolean, prefix = ''): boolean {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalid(prefix + field, `${prefix + field} must be true or false`);
  return value;
}

export function optionalInt(body: Json, field: string, min: number, max: number, prefix = ''): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(prefix + field, `${prefix + field} must be a whole number`);
  if (value < min || value > max) throw invalid(prefix + field, `${prefix + field} must be between ${min} and ${max}`);
  return value;
}

export function optionalString(body: Json, field: string, prefix = ''): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(prefix + field, `${prefix + field} must be a string`);
  return value;
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, `${field} must be a string`);
  if (value.trim() === '') throw invalid(field, `${field} is empty`);
  return value;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
