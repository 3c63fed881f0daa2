// What served an answer: model, provider, fallback (and why), cache, latency.
import type { Fallback } from './api.js';

export interface Served {
  model?: string;
  provider?: string;
  fallback?: Fallback;
  cached?: { hits: number; of: number };
  latencyMs: number;
}

function badge(label: string, value: string, className = '', testId = label): HTMLElement {
  const el = document.createElement('span');
  el.className = `badge ${className}`.trim();
  el.dataset.badge = testId;
  const b = document.createElement('b');
  b.textContent = `${label}: `;
  el.append(b, value);
  return el;
}

export function showBadges(container: HTMLElement, served: Served): void {
  const items: HTMLElement[] = [];
  if (served.model) items.push(badge('model', served.model));
  if (served.provider) items.push(badge('provider', served.provider === 'local' ? 'local (bundled model)' : served.provider, served.fallback?.used ? '' : served.provider === 'vertex' ? 'primary' : ''));
  if (served.fallback) {
    items.push(served.fallback.used
      ? badge('fell back', served.fallback.reason ?? 'Vertex failed', 'fallback', 'fallback')
      : badge('fallback', 'not used', '', 'fallback'));
  }
  if (served.cached) items.push(badge('cached', `${served.cached.hits} of ${served.cached.of}`, '', 'cached'));
  items.push(badge('latency', `${Math.round(served.latencyMs)} ms`));
  container.replaceChildren(...items);
}
