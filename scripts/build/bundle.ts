// Bundles one function with esbuild into its own folder: the code, the model folder when the
// function can run the bundled model, and a package.json naming only what must stay external.
import { cp, copyFile, mkdir, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import type { RouteEntry } from '../../shared/routes.js';
import { externalPackages, hiddenRuntimeDependencies, manifest, type RootPackage } from './manifest.js';
import { webPages, type WebPage } from '../../shared/web/assets.js';
import { buildWebBundle } from '../../shared/web/build.js';

export interface BundleOptions {
  root: string;
  outDir: string;
  /** Dynamic import() targets become their own chunk files, loaded on first use. */
  splitting: boolean;
  minify: boolean;
  rootPackage: RootPackage;
  lockVersions: Record<string, string>;
}

export interface BundleResult {
  name: string;
  dir: string;
  codeBytes: number;
  modelBytes: number;
  totalBytes: number;
  dependencies: Record<string, string>;
  warnings: string[];
}

export const MODEL_SUBDIR = 'models/bge-small-zh-v1.5';

// transformers.js imports sharp at load time for image inputs and throws when it is falsy. The
// gateway embeds text only, so a stub that refuses to run keeps sharp's native binaries
// (libvips) out of every deployment.
const sharpStub: Plugin = {
  name: 'sharp-stub',
  setup(b) {
    b.onResolve({ filter: /^sharp$/ }, () => ({ path: 'sharp', namespace: 'sharp-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'sharp-stub' }, () => ({
      contents: 'export default function sharp() { throw new Error("image inputs are not supported by this gateway"); }',
      loader: 'js',
    }));
  },
};

// A browser page's files (shared/web/prebuilt/<page>.ts is undefined in the source) are built
// now and inlined, so the deployed function serves them without esbuild or node_modules.
const PREBUILT = /[\\/]shared[\\/]web[\\/]prebuilt[\\/](\w+)\.ts$/;
const webAssets: Plugin = {
  name: 'web-assets',
  setup(b) {
    b.onLoad({ filter: PREBUILT }, async (args) => {
      const page = args.path.match(PREBUILT)![1] as WebPage;
      if (!webPages.includes(page)) throw new Error(`${args.path}: no page named ${page}`);
      return { contents: `export const prebuilt = ${JSON.stringify(await buildWebBundle(page))};`, loader: 'js' };
    });
  },
};

// Bundled CommonJS code calls require() for Node built-ins; an ESM bundle has none of its own.
const banner = "import { createRequire as __gatewayCreateRequire } from 'node:module';\nconst require = __gatewayCreateRequire(import.meta.url);";

/** Packages the bundle left external (as bare specifiers), from esbuild's metafile. */
export function importedExternals(metafile: Metafile): Set<string> {
  const found = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:') || imp.path.startsWith('.')) continue;
      const parts = imp.path.split('/');
      if (builtinModules.includes(parts[0]!)) continue;
      found.add(imp.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return found;
}

/** Packages whose code went into the bundle, from esbuild's metafile. */
export function bundledPackages(metafile: Metafile): Set<string> {
  const found = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
    if (!match) continue;
    const last = match[match.length - 1]!.replace(/^node_modules\//, '').replace(/\/$/, '');
    found.add(last);
  }
  return found;
}

export interface UrlAsset {
  /** Absolute path of the referenced file. */
  source: string;
  /** File name beside the bundle's code, where `new URL(name, import.meta.url)` finds it at run time. */
  name: string;
}

const URL_REFERENCE = /new URL\(\s*['"](\.\.?\/[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g;

/**
 * Files the project's own code opens with `new URL('./file', import.meta.url)` (a worker
 * script, say). esbuild leaves the expression alone, so at run time it resolves next to the
 * bundle's output file: the asset must sit at the bundle's root under the same name.
 */
export async function urlAssets(metafile: Metafile, root: string): Promise<UrlAsset[]> {
  const assets = new Map<string, UrlAsset>();
  for (const input of Object.keys(metafile.inputs)) {
    if (input.includes('node_modules/') || input.includes(':')) continue;
    const file = path.resolve(root, input);
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const match of text.matchAll(URL_REFERENCE)) {
      const source = path.resolve(path.dirname(file), match[1]!);
      const name = path.basename(source);
      const clash = assets.get(name);
      if (clash && clash.source !== source) throw new Error(`two files referenced by new URL() share the name ${name}: ${clash.source}, ${source}`);
      assets.set(name, { source, name });
    }
  }
  return [...assets.values()];
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

export async function bundleFunction(route: RouteEntry, options: BundleOptions): Promise<BundleResult> {
  const dir = path.join(options.outDir, route.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const result = await build({
    absWorkingDir: options.root,
    entryPoints: { index: path.join(options.root, 'functions', route.dir, 'index.ts') },
    outdir: dir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: options.splitting,
    // Chunks sit beside index.js: code that finds files relative to itself (shared/config.ts
    // looks for models/ next to its own file) then works whichever file esbuild puts it in.
    chunkNames: '[name]-[hash]',
    minify: options.minify,
    legalComments: 'linked',
    external: [...externalPackages],
    plugins: [sharpStub, webAssets],
    banner: { js: banner },
    metafile: true,
    logLevel: 'warning',
  });
  const metafile = result.metafile!;
  const needed = new Set(importedExternals(metafile));
  for (const pkg of bundledPackages(metafile)) for (const dep of hiddenRuntimeDependencies[pkg] ?? []) needed.add(dep);
  for (const asset of await urlAssets(metafile, options.root)) {
    const target = path.join(dir, asset.name);
    if (!/\.(mjs|js)$/.test(asset.name)) {
      await copyFile(asset.source, target);
      continue;
    }
    // A script (a worker): bundled on its own, with the same externals, so its imports come along.
    const worker = await build({
      absWorkingDir: options.root,
      entryPoints: [asset.source],
      outfile: target,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      minify: options.minify,
      legalComments: 'eof',
      external: [...externalPackages],
      plugins: [sharpStub],
      banner: { js: banner },
      metafile: true,
      logLevel: 'warning',
    });
    for (const dep of importedExternals(worker.metafile!)) needed.add(dep);
  }
  const { pkg, warnings } = manifest(route.name, [...needed], options.rootPackage, options.lockVersions);
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  // Same reason as the repository's .npmrc: onnxruntime-node's postinstall fetches CUDA extras
  // the CPU runtime never uses; the CPU binaries ship in its package.
  await writeFile(path.join(dir, '.npmrc'), 'ignore-scripts=true\n');
  const codeBytes = await folderBytes(dir);
  let modelBytes = 0;
  if (route.usesLocalModel) {
    const modelDir = path.join(dir, MODEL_SUBDIR);
    await cp(path.join(options.root, MODEL_SUBDIR), modelDir, { recursive: true });
    modelBytes = await folderBytes(modelDir);
  }
  return { name: route.name, dir, codeBytes, modelBytes, totalBytes: codeBytes + modelBytes, dependencies: pkg.dependencies, warnings };
}
