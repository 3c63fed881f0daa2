// Serves a browser page: its HTML at the function's root and its files at `?asset=<name>`
// (a query, so the same relative links work at `/docs` on the dev server and at a deployed
// function's own URL). Scripts and styles come only from this origin, which the
// Content-Security-Policy enforces in the browser too.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from '@google-cloud/functions-framework';
import type { Config } from '../config.js';
import { GatewayError } from '../errors.js';
import type { GatewayCore } from '../gateway-core.js';
import { httpRoute, type HttpRoute } from '../http/route.js';
import type { WebBundle, WebPage } from './assets.js';

interface ServedFile {
  contentType: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
  version: string;
}

export interface PageOptions {
  name: string;
  page: WebPage;
  /** The page's files when the build inlined them; undefined in development (built on first request). */
  prebuilt: WebBundle | undefined;
  /** JSON the page reads from `<script type="application/json" id="page-config">`. */
  pageConfig: (config: Config) => unknown;
  /** Extra CSP sources (the renderer needs inline styles). */
  styleSrc?: string;
}

const hash = (body: Buffer) => createHash('sha256').update(body).digest('base64url').slice(0, 16);

function served(contentType: string, text: string): ServedFile {
  const body = Buffer.from(text, 'utf8');
  const version = hash(body);
  // Level 9 once per process: the files are fixed, and the renderer's script shrinks 3-4x.
  return { contentType, body, gzip: gzipSync(body, { level: 9 }), etag: `"${version}"`, version };
}

/** Origins the page may call besides its own: those of absolute route URLs. */
export function connectOrigins(routeUrls: Record<string, string>): string[] {
  return [...new Set(Object.values(routeUrls).filter((u) => /^https?:\/\//.test(u)).map((u) => new URL(u).origin))];
}

function contentSecurityPolicy(styleSrc: string, origins: string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self'${styleSrc ? ` ${styleSrc}` : ''}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${origins.length ? ` ${origins.join(' ')}` : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(req: Request, res: Response, file: ServedFile, cacheControl: string): void {
  res.setHeader('content-type', file.contentType);
  res.setHeader('cache-control', cacheControl);
  res.setHeader('etag', file.etag);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === file.etag) {
    res.status(304).end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (gzip) res.setHeader('content-encoding', 'gzip');
  res.status(200).end(gzip ? file.gzip : file.body);
}

async function loadBundle(page: WebPage, prebuilt: WebBundle | undefined): Promise<WebBundle> {
  if (prebuilt) return prebuilt;
  // A specifier esbuild cannot follow: deployed bundles carry `prebuilt` and must not pull
  // esbuild in. Development and tests run from source, where esbuild is installed.
  const builder = './build.js';
  const { buildWebBundle } = (await import(/* @vite-ignore */ builder)) as typeof import('./build.js');
  return buildWebBundle(page);
}

/**
 * The HTML page is public at the gateway's level: a browser cannot attach an API key to a page
 * load, and the page holds no data. Every API call it makes carries the key from its key field
 * through the usual auth. Deployed, Cloud Run's IAM (when it is the check) guards the page too.
 */
export function pageRoute(options: PageOptions): HttpRoute<GatewayCore> {
  let files: Promise<{ html: (config: Config) => ServedFile; assets: Map<string, ServedFile> }> | undefined;
  const load = () => (files ??= loadBundle(options.page, options.prebuilt).then((bundle) => {
    const assets = new Map<string, ServedFile>();
    for (const [name, file] of Object.entries(bundle)) if (name !== 'index.html') assets.set(name, served(file.contentType, file.body));
    const template = bundle['index.html'];
    if (!template) throw new Error(`${options.page}: no index.html`);
    // Rendered once per gateway's settings (one per process deployed; tests build several).
    const html = new WeakMap<Config, ServedFile>();
    return {
      assets,
      html: (config: Config) => {
        if (!html.has(config)) html.set(config, served(template.contentType, render(template.body, assets, options.pageConfig(config))));
        return html.get(config)!;
      },
    };
  }).catch((error) => {
    files = undefined;
    throw error;
  }));

  return httpRoute<GatewayCore>({ name: options.name, methods: ['GET'], public: true }, async (req, res, ctx) => {
    const { html, assets } = await load();
    const assetName = req.query.asset;
    if (assetName !== undefined) {
      const file = typeof assetName === 'string' ? assets.get(assetName) : undefined;
      if (!file) throw new GatewayError('not_found', `No file ${String(assetName)} here; files: ${[...assets.keys()].join(', ')}`, { field: 'asset' });
      // A link with the current version never changes; anything else is revalidated.
      send(req, res, file, req.query.v === file.version ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    res.setHeader('content-security-policy', contentSecurityPolicy(options.styleSrc ?? '', connectOrigins(ctx.config.web.routeUrls)));
    res.setHeader('referrer-policy', 'no-referrer');
    send(req, res, html(ctx.config), 'no-cache');
  });
}

const escapeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** `{{asset:app.js}}` becomes a versioned link to the file; `{{config}}` the page's JSON. */
export function render(template: string, assets: Map<string, ServedFile>, pageConfig: unknown): string {
  return template
    .replace(/\{\{asset:([\w.-]+)\}\}/g, (_, name: string) => {
      const file = assets.get(name);
      if (!file) throw new Error(`the page links ${name}, which it does not ship`);
      return `?asset=${encodeURIComponent(name)}&amp;v=${file.version}`;
    })
    .replace('{{config}}', () => escapeJson(pageConfig));
}
