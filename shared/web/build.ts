// Builds a page's files from its source folder (web/<page>/) with esbuild. Runs at
// `npm run build` and, in development only, on a page's first request: deployed bundles carry
// the result and never import this file (nor esbuild).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebBundle, WebPage } from './assets.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

async function bundle(entry: string, kind: 'js' | 'css'): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, entry)],
    bundle: true,
    write: false,
    minify: true,
    format: kind === 'js' ? 'iife' : undefined,
    target: kind === 'js' ? ['es2020'] : ['chrome100', 'firefox100', 'safari15'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

const text = (file: string) => readFile(path.join(root, file), 'utf8');

export async function buildWebBundle(page: WebPage): Promise<WebBundle> {
  if (page === 'playground') {
    return {
      'index.html': { contentType: HTML, body: await text('web/playground/index.html') },
      'app.js': { contentType: JS, body: await bundle('web/playground/main.ts', 'js') },
      'app.css': { contentType: CSS, body: await bundle('web/playground/style.css', 'css') },
    };
  }
  // The renderer's own prebuilt browser bundle, as its package ships it (licence header kept).
  const swagger = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // The map files are not served: drop the comment that would send devtools looking for them.
  const vendor = async (file: string) => (await readFile(path.join(swagger, file), 'utf8')).replace(/\n?\/[*/]# sourceMappingURL=\S+( \*\/)?\s*$/, '\n');
  return {
    'index.html': { contentType: HTML, body: await text('web/docs/index.html') },
    'init.js': { contentType: JS, body: await bundle('web/docs/init.ts', 'js') },
    'docs.css': { contentType: CSS, body: await bundle('web/docs/docs.css', 'css') },
    'swagger-ui-bundle.js': { contentType: JS, body: await vendor('swagger-ui-bundle.js') },
    'swagger-ui.css': { contentType: CSS, body: await vendor('swagger-ui.css') },
  };
}
