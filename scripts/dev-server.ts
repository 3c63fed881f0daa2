// `npm start`: serve every route locally. With no Google Cloud project configured, the
// gateway runs on the bundled model alone.
import { config } from '../shared/config.js';
import { startDevServer } from '../shared/dev-server.js';

const settings = config();
await startDevServer(settings.port);
