import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MissingDependencyError } from '../../../src/errors/missing-dependency.error.js';
import { loadNestTesting, type NestTesting } from '../../../src/testing/load-nest-testing.js';

function notFound(specifier: string): Error {
  return Object.assign(
    new Error(`Cannot find package '${specifier}' imported from /app/index.js`),
    { code: 'ERR_MODULE_NOT_FOUND' },
  );
}

describe('loadNestTesting', () => {
  test('returns @nestjs/testing when it is installed', async () => {
    const mod = await loadNestTesting();
    assert.equal(typeof mod.Test.createTestingModule, 'function');
  });

  test('names the package to install when @nestjs/testing is absent', async () => {
    await assert.rejects(
      loadNestTesting(() => Promise.reject(notFound('@nestjs/testing'))),
      (error: unknown) =>
        error instanceof MissingDependencyError &&
        error.packageName === '@nestjs/testing' &&
        error.message.includes('npm install @nestjs/testing'),
    );
  });

  test('passes on a failure inside an installed @nestjs/testing unchanged', async () => {
    const inner = notFound('some-transitive-package');
    await assert.rejects(
      loadNestTesting(() => Promise.reject(inner) as Promise<NestTesting>),
      (error: unknown) => error === inner,
    );
  });
});
