// Builds a gateway from a test's own environment, on the real bundled model.
import { loadConfig } from '../../shared/config.js';
import { createGateway, setGateway, type Gateway, type GatewayOptions } from '../../shared/gateway.js';

export function testGateway(env: Record<string, string> = {}, options: GatewayOptions = {}): Gateway {
  const gw = createGateway(loadConfig({ LOG_LEVEL: 'error', ...env }), options);
  setGateway(gw);
  return gw;
}
