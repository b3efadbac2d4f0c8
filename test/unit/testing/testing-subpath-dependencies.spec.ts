import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';

interface PackageManifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const root = process.cwd();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageManifest;

/** Package name of a bare import specifier (`@scope/name/sub` → `@scope/name`). */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function bareImports(folder: string): Set<string> {
  const found = new Set<string>();
  for (const file of readdirSync(folder)) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(join(folder, file), 'utf8');
    for (const match of text.matchAll(/^import\s[^;]*?from\s+'([^'.][^']*)'/gms)) {
      const spec = match[1];
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      if (/^import\s+type\s/.test(match[0])) continue;
      found.add(packageName(spec));
    }
  }
  return found;
}

describe('testing subpath dependencies', () => {
  test('every runtime import of src/testing is a dependency or a peer', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    for (const name of bareImports(join(root, 'src', 'testing'))) {
      assert.ok(declared.has(name), `${name} is imported by ./testing but not declared`);
    }
  });

  test('@nestjs/testing is an optional peer', () => {
    assert.ok(manifest.peerDependencies?.['@nestjs/testing']);
    assert.equal(manifest.peerDependenciesMeta?.['@nestjs/testing']?.optional, true);
  });
});
