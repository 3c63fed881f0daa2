// Starts the dev server (the real functions-framework per route) on a free port for a test file,
// on a gateway built from the test's settings.
import { loadRoutes } from '../../functions/routes.js';
import { createDevServer, type DevServer } from '../../shared/dev-server.js';
import { withBatch, type WithBatch } from '../../shared/batch/services.js';
import type { Gateway, GatewayOptions } from '../../shared/gateway.js';
import { testGateway } from './gateway.js';

export async function startTestServer(env: Record<string, string> = {}, options: GatewayOptions = {}): Promise<DevServer> {
  return serveGateway(withBatch(testGateway(env, options)));
}

/** Every route on this gateway (one a test built or varied, e.g. with faults). */
export async function serveGateway(gateway: WithBatch<Gateway>): Promise<DevServer> {
  return createDevServer(gateway, await loadRoutes());
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
