// Reads the operations parts of the module (log-based metrics, alerts, dashboard, ledger sink)
// back into the log field names they depend on, so a test can hold them against the names the
// code writes (shared/observability/log-fields.ts).
import type { TfModule } from './hcl.js';

/** Replaces `${local.X}` with X's value where X is a string local, until none is left. */
export function resolveLocals(text: string, mod: TfModule): string {
  let out = text;
  for (let depth = 0; depth < 10; depth++) {
    const next = out.replace(/\$\{local\.([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
      const value = mod.locals[name];
      return typeof value === 'string' ? value : whole;
    });
    if (next === out) return out;
    out = next;
  }
  throw new Error(`local references nest too deep in ${text}`);
}

export interface FieldRefs {
  /** jsonPayload.<name> */
  payload: Set<string>;
  /** httpRequest.<name> */
  httpRequest: Set<string>;
  /** Values compared with jsonPayload.event. */
  events: Set<string>;
}

export function fieldRefs(...texts: string[]): FieldRefs {
  const refs: FieldRefs = { payload: new Set(), httpRequest: new Set(), events: new Set() };
  for (const text of texts) {
    for (const m of text.matchAll(/jsonPayload\.([A-Za-z0-9_]+)/g)) refs.payload.add(m[1]!);
    for (const m of text.matchAll(/httpRequest\.([A-Za-z0-9_]+)/g)) refs.httpRequest.add(m[1]!);
    // jsonPayload.event="x", or jsonPayload.event=("x" OR "y")
    for (const m of text.matchAll(/jsonPayload\.event\s*=\s*(?:"([^"]+)"|\(([^)]*)\))/g)) {
      if (m[1] !== undefined) refs.events.add(m[1]);
      for (const v of (m[2] ?? '').matchAll(/"([^"]+)"/g)) refs.events.add(v[1]!);
    }
  }
  return refs;
}

export interface MetricDef {
  name: string;
  filter: string;
  value?: string;
  labels: Record<string, string>;
}

/** Every log-based metric the module defines (local.log_metrics), filters resolved. */
export function logMetrics(mod: TfModule): MetricDef[] {
  const defs = mod.locals.log_metrics as Record<string, { filter: string; value?: string; labels: Record<string, string> }> | undefined;
  if (!defs) throw new Error('local.log_metrics is missing');
  return Object.entries(defs).map(([name, d]) => ({
    name,
    filter: resolveLocals(d.filter, mod),
    ...(d.value ? { value: d.value } : {}),
    labels: d.labels,
  }));
}

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* strings(v);
}

/**
 * In every string of the given locals, `${local.series.M} ... metric.label.K`: K must be a label
 * of metric M. Returns what does not match, as "M.K".
 */
export function unknownMetricLabels(mod: TfModule, localNames: string[]): string[] {
  const labels = new Map(logMetrics(mod).map((m) => [m.name, new Set(Object.keys(m.labels))]));
  const wrong: string[] = [];
  for (const name of localNames) {
    for (const text of strings(mod.locals[name])) {
      const metric = text.match(/\$\{local\.series\.([A-Za-z0-9_]+)\}/)?.[1];
      if (!metric) continue;
      if (!labels.has(metric)) wrong.push(`${metric} (no such metric)`);
      for (const m of text.matchAll(/metric\.label\.([A-Za-z0-9_]+)/g)) if (!labels.get(metric)?.has(m[1]!)) wrong.push(`${metric}.${m[1]}`);
    }
  }
  return wrong;
}
