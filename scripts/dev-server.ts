// `npm start`: serve every route locally, on the gateway the environment describes. With no
// Google Cloud project configured, the gateway runs on the bundled model alone.
import { loadRoutes } from '../functions/routes.js';
import { withBatch } from '../shared/batch/services.js';
import { createDevServer } from '../shared/dev-server.js';
import { processGateway } from '../shared/gateway.js';

const gateway = withBatch(processGateway());
await createDevServer(gateway, await loadRoutes(), { port: gateway.config.port });
