// GET /docs: the API reference, /openapi.json rendered by Swagger UI served from this function.
import { prebuilt } from '../../shared/web/prebuilt/docs.js';
import { processGatewayCore } from '../../shared/gateway-core.js';
import { serveFunction } from '../../shared/http/functions.js';
import { pageUrls } from '../../shared/web/route-urls.js';
import { pageRoute } from '../../shared/web/serve.js';

// Swagger UI sets style attributes from script, which a CSP without 'unsafe-inline' blocks.
export const route = pageRoute({ name: 'docs', page: 'docs', prebuilt, pageConfig: (config) => ({ urls: pageUrls(config.web.routeUrls) }), styleSrc: "'unsafe-inline'" });

serveFunction(route, processGatewayCore);
