// The package.json each bundle ships: Cloud Functions installs exactly these at deploy time.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RootPackage {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Left out of every bundle, installed by Cloud Functions instead:
 * - functions-framework: the runtime starts its own copy from node_modules and serves the
 *   functions registered with that copy, so the code must import the very same instance;
 * - onnxruntime-node: a native addon (.node binaries per platform) loaded from its package folder.
 */
export const externalPackages = ['@google-cloud/functions-framework', 'onnxruntime-node'] as const;

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

export function manifest(name: string, needed: string[], rootPackage: RootPackage, locked: Record<string, string>) {
  const dependencies: Record<string, string> = {};
  for (const dep of [...needed].sort()) {
    const version = locked[dep] ?? rootPackage.dependencies?.[dep];
    if (!version) throw new Error(`${name}: the bundle needs ${dep} at run time, but the root package.json does not depend on it`);
    if (!rootPackage.dependencies?.[dep]) {
      throw new Error(`${name}: the bundle needs ${dep} at run time; move it from devDependencies to dependencies`);
    }
    dependencies[dep] = version;
  }
  return {
    name: `embedding-gateway-${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`,
    private: true,
    type: 'module',
    main: 'index.js',
    engines: { node: '>=20' },
    dependencies,
  };
}
