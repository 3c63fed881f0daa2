// Builds a gateway from a test's own settings, on the real bundled model: no environment writes.
import { loadConfig } from '../../shared/config.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../shared/gateway.js';

export function testGateway(env: Record<string, string> = {}, options: GatewayOptions = {}): Gateway {
  return createGateway(loadConfig({ LOG_LEVEL: 'error', ...env }), options);
}
