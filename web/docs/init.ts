// Starts Swagger UI (its bundle, served by the gateway, defines SwaggerUIBundle) on the
// gateway's own /openapi.json. Nothing is fetched from another site: no remote validator.
declare const SwaggerUIBundle: (options: Record<string, unknown>) => unknown;

const config = JSON.parse(document.getElementById('page-config')?.textContent || '{}') as { urls?: Record<string, string> };
const openapiUrl = config.urls?.openapi ?? '/openapi.json';
(document.getElementById('openapi-link') as HTMLAnchorElement).href = openapiUrl;
(document.getElementById('playground-link') as HTMLAnchorElement).href = config.urls?.playground ?? '/';

SwaggerUIBundle({
  url: openapiUrl,
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
  tryItOutEnabled: false,
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
});
