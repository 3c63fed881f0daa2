// Builds a gateway from a test's own environment, on the real bundled model.
import { loadConfig } from '../../shared/config.js';
import { createGateway, setGateway, type Gateway } from '../../shared/gateway.js';

export function testGateway(env: Record<string, string> = {}): Gateway {
  const gw = createGateway(loadConfig({ LOG_LEVEL: 'error', ...env }));
  setGateway(gw);
  return gw;
}
