// The package.json each bundle ships: Cloud Functions installs exactly these at deploy time.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RootPackage {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Left out of every bundle, installed by Cloud Functions instead (only those a bundle imports
 * land in its package.json):
 * - functions-framework: the runtime starts its own copy from node_modules and serves the
 *   functions registered with that copy, so the code must import the very same instance;
 * - onnxruntime-node: a native addon (.node binaries per platform) loaded from its package folder;
 * - the google-gax clients (Vertex, Pub/Sub, Firestore): gax reads its .proto files from disk
 *   relative to its own __dirname, which a bundle does not have (measured: ReferenceError);
 *   google-auth-library stays beside them so clients and callers share one copy;
 * - piscina: starts its workers from its own dist/worker.js, found relative to its own file;
 * - @google-cloud/storage (imported lazily, for gs:// batch jobs): it brings its own older
 *   google-auth-library and node-fetch 2, whose optional require('encoding') a bundle turns
 *   into a hard dependency;
 * - redis (CommonJS, imported lazily): a split chunk of a dynamically imported CommonJS package
 *   exports only `default`, so `const { createClient } = await import('redis')` breaks (measured).
 */
export const externalPackages = [
  '@google-cloud/functions-framework',
  'onnxruntime-node',
  '@google-cloud/aiplatform',
  '@google-cloud/pubsub',
  '@google-cloud/firestore',
  'google-gax',
  'google-auth-library',
  '@google-cloud/storage',
  'redis',
  'piscina',
] as const;

/**
 * Packages that load a dependency at run time in a way esbuild cannot see (transformers.js
 * calls createRequire(import.meta.url)("onnxruntime-node")), so bundling them must add it.
 */
export const hiddenRuntimeDependencies: Record<string, string[]> = {
  '@huggingface/transformers': ['onnxruntime-node'],
};

/** Installed versions from package-lock.json: the versions the test suite ran against. */
export function lockVersions(root: string): Record<string, string> {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, { version?: string }>;
  };
  const versions: Record<string, string> = {};
  for (const [key, value] of Object.entries(lock.packages ?? {})) {
    // Only top-level installs; nested copies belong to whoever depends on them.
    const match = key.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)$/);
    if (match && value.version) versions[match[1]!] = value.version;
  }
  return versions;
}

export interface Manifest {
  name: string;
  private: true;
  type: 'module';
  main: 'index.js';
  engines: { node: string };
  dependencies: Record<string, string>;
}

/** The bundle's package.json, plus warnings for runtime imports the root package.json does not declare. */
export function manifest(name: string, needed: string[], rootPackage: RootPackage, locked: Record<string, string>): { pkg: Manifest; warnings: string[] } {
  const dependencies: Record<string, string> = {};
  const warnings: string[] = [];
  for (const dep of [...needed].sort()) {
    const version = locked[dep] ?? rootPackage.dependencies?.[dep];
    if (!version) throw new Error(`${name}: the bundle needs ${dep} at run time, but it is not installed; add it to package.json dependencies`);
    if (!rootPackage.dependencies?.[dep]) {
      // Works (the lockfile pins the copy the tests ran), but only while another package pulls it in.
      warnings.push(`${name}: the code imports ${dep}, which package.json does not list in dependencies (installed ${version} only as a dependency of another package)`);
    }
    dependencies[dep] = version;
  }
  return {
    pkg: {
      name: `embedding-gateway-${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`,
      private: true,
      type: 'module',
      main: 'index.js',
      engines: { node: '>=20' },
      dependencies,
    },
    warnings,
  };
}
