// Starts the dev server (the real functions-framework per route) on a free port for a test file.
import { startDevServer, type DevServer } from '../../shared/dev-server.js';
import { testGateway } from './gateway.js';
import type { Gateway, GatewayOptions } from '../../shared/gateway.js';

export async function startTestServer(env: Record<string, string> = {}, options: GatewayOptions = {}): Promise<DevServer & { gateway: Gateway }> {
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
  const { resetConfig } = await import('../../shared/config.js');
  resetConfig();
  const gateway = testGateway(env, options);
  const server = await startDevServer(0);
  return { ...server, gateway };
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
