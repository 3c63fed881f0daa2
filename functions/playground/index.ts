// GET /: the playground page (web/playground/), which calls /embed, /similarity and /chunk.
import { prebuilt } from '../../shared/web/prebuilt/playground.js';
import { processGatewayCore } from '../../shared/gateway-core.js';
import { serveFunction } from '../../shared/http/functions.js';
import { pageUrls } from '../../shared/web/route-urls.js';
import { pageRoute } from '../../shared/web/serve.js';

export const route = pageRoute({ name: 'playground', page: 'playground', prebuilt, pageConfig: (config) => ({ urls: pageUrls(config.web.routeUrls) }) });

serveFunction(route, processGatewayCore);
