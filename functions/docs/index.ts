// GET /docs: the API reference, /openapi.json rendered by Swagger UI served from this function.
import { http } from '@google-cloud/functions-framework';
import { prebuilt } from '../../shared/web/prebuilt/docs.js';
import { pageUrls } from '../../shared/web/route-urls.js';
import { pageRoute } from '../../shared/web/serve.js';

// Swagger UI sets style attributes from script, which a CSP without 'unsafe-inline' blocks.
http('docs', pageRoute({ name: 'docs', page: 'docs', prebuilt, pageConfig: () => ({ urls: pageUrls() }), styleSrc: "'unsafe-inline'" }));
