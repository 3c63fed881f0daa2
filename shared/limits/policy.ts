// What each caller may do: requests and tokens per minute, and which routes and models. Keyed by
// the caller's name (an API key's configured name, a Google principal's email, or "anonymous");
// "*" applies to every caller without an entry of its own.
import { GatewayError } from '../errors.js';
import type { CallerBuckets } from './types.js';

export interface CallerPolicy {
  rpm?: number;
  tpm?: number;
  /** Route names (shared/routes.ts entry points) this caller may call; absent = all. */
  routes?: string[];
  /** Selectors, providers or model ids this caller may embed with; absent = all. */
  models?: string[];
}

export type CallerPolicies = Record<string, CallerPolicy>;

export const ANY_CALLER = '*';

export function policyFor(policies: CallerPolicies, caller: string): CallerPolicy | undefined {
  return policies[caller] ?? policies[ANY_CALLER];
}

export function bucketsOf(policy: CallerPolicy | undefined): CallerBuckets | null {
  if (!policy || (policy.rpm === undefined && policy.tpm === undefined)) return null;
  return { ...(policy.rpm !== undefined ? { rpm: policy.rpm } : {}), ...(policy.tpm !== undefined ? { tpm: policy.tpm } : {}) };
}

export function checkRoute(policy: CallerPolicy | undefined, route: string): void {
  if (policy?.routes && !policy.routes.includes(route)) {
    throw new GatewayError('forbidden', `This caller may not use ${route}`);
  }
}

export interface ModelChoice {
  /** What the request asked for: auto, vertex, local or a model id. */
  selector: string;
  /** The provider that will serve it and its model id (with revision for the bundled model). */
  provider: string;
  model: string;
}

/**
 * A model entry matches the selector as sent, the serving provider ("vertex", "local"), or the
 * model id with or without its revision. So ["local"] refuses "auto" where auto means Vertex:
 * a caller limited to the bundled model must not spend the project's Vertex quota.
 */
export function checkModel(policy: CallerPolicy | undefined, choice: ModelChoice): void {
  if (!policy?.models) return;
  const names = new Set([choice.selector, choice.provider, choice.model, choice.model.split('@')[0]!]);
  if (policy.models.some((allowed) => names.has(allowed))) return;
  throw new GatewayError('forbidden', `This caller may not embed with ${choice.model} (${choice.provider}); allowed: ${policy.models.join(', ')}`, { field: 'model' });
}
