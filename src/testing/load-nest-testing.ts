import { MissingDependencyError } from '../errors/missing-dependency.error.js';

/** The part of `@nestjs/testing` the test app uses. */
export type NestTesting = typeof import('@nestjs/testing');

type Importer = () => Promise<NestTesting>;

/**
 * Loads `@nestjs/testing` on first use (an optional peer: `npm i -D @nestjs/testing`), so that
 * importing `nestjs-forge-streaming/testing` never fails on its own; throws
 * {@link MissingDependencyError} naming the package when it is not installed.
 */
export async function loadNestTesting(
  importer: Importer = () => import('@nestjs/testing'),
): Promise<NestTesting> {
  try {
    return await importer();
  } catch (error) {
    if (isNotFound(error, '@nestjs/testing'))
      throw new MissingDependencyError('@nestjs/testing', 'createStreamingTestApp');
    throw error;
  }
}

/** Whether an import failed because the package `name` itself is absent. */
export function isNotFound(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return missing && typeof message === 'string' && message.includes(`'${name}`);
}
