import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ValidationPipe, type LoggerService, type LogLevel } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SampleAppModule } from './app.module.js';
import { loadSampleConfig, type SampleConfig, type SampleEnv } from './config/sample-config.js';
import { createStreamingAdapter } from './config/streaming-adapter.factory.js';

/** Options of {@link createSampleApp}. */
export interface SampleAppOptions {
  /** Environment to read the settings from. Default `process.env`. */
  env?: SampleEnv;
  /** Nest logger setting (`false` silences it). */
  logger?: LoggerService | LogLevel[] | false;
}

/** The sample app before it listens, and the settings it was built with. */
export interface SampleApp {
  readonly app: NestExpressApplication;
  readonly config: SampleConfig;
}

/** The directory of the page (`sample/public`), from the source or the compiled tree. */
export function publicDirectory(): string {
  const candidates = [
    resolve(import.meta.dirname, 'public'),
    resolve(import.meta.dirname, '..', '..', 'sample', 'public'),
  ];
  return candidates.find((dir) => existsSync(resolve(dir, 'index.html'))) ?? candidates[1];
}

/**
 * Builds the sample application (not yet listening) from the environment: every endpoint of the
 * sample, the page served from `sample/public`, and the Redis adapter when `REDIS_URL` is set.
 */
export async function createSampleApp(options: SampleAppOptions = {}): Promise<SampleApp> {
  const config = loadSampleConfig(options.env ?? process.env);
  const adapter = await createStreamingAdapter(config);
  const app = await NestFactory.create<NestExpressApplication>(
    SampleAppModule.forConfig(config, adapter),
    { logger: options.logger ?? ['warn', 'error'] },
  );
  app.disable('x-powered-by');
  // Validates DTO-typed parameters everywhere, gateway messages (`chat.send`) included.
  app.useGlobalPipes(new ValidationPipe());
  app.useStaticAssets(publicDirectory(), { index: 'index.html', maxAge: 0 });
  return { app, config };
}
