import type { INestApplication, ModuleMetadata, Type } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import type { StreamingConfig } from '../interfaces/streaming-config.interface.js';
import { InvalidStateError } from '../errors/invalid-state.error.js';
import { ForgeStreamingModule } from '../streaming.module.js';
import { StreamingManager } from '../manager/streaming-manager.service.js';
import {
  WebSocketTestConnection,
  type WebSocketTestOptions,
} from './web-socket-test-connection.js';
import { SseTestRequest, type SseTestRequestOptions } from './sse-test-request.js';
import {
  WebTransportTestSession,
  type WebTransportTestSessionOptions,
} from './web-transport-test-session.js';
import { MissingDependencyError } from '../errors/missing-dependency.error.js';
import { isNotFound, loadNestTesting } from './load-nest-testing.js';
import { WebTransportServerInfo } from '../transports/web-transport/web-transport-server-info.service.js';

/** Which Nest HTTP platform a test app runs on. */
export type TestPlatform = 'express' | 'fastify';

/** Options of {@link createStreamingTestApp}. */
export interface StreamingTestAppOptions extends ModuleMetadata {
  /** Module config; the module is imported for you unless `imports` already has it. */
  config?: StreamingConfig;
  /** HTTP platform. Default `'express'`. */
  platform?: TestPlatform;
  /** Runs before `listen` (global guards, pipes, shutdown hooks …). */
  configure?: (app: INestApplication) => void | Promise<void>;
  /** Keep Nest's logger. Default false (silent). */
  logger?: boolean;
  /**
   * Providers to replace anywhere in the app, the module's own included (e.g. the
   * `STREAMING_RESERVED_EVENTS_HANDLER` or `STREAMING_ROOM_EVENT_STAMPER` seams).
   */
  overrides?: readonly StreamingTestOverride[];
}

/** One provider replaced in a test app: by a value or by a class. */
export type StreamingTestOverride =
  | { readonly provide: string | symbol | Type; readonly useValue: unknown }
  | { readonly provide: string | symbol | Type; readonly useClass: Type };

/** The entry point of the fluent clients: `app.test().webSocket('/ws')`. */
export class StreamingTestClient {
  constructor(private readonly testApp: StreamingTestApp) {}

  /** A WebSocket client for `path` (query string allowed). */
  webSocket(path: string, options?: WebSocketTestOptions): WebSocketTestConnection {
    return new WebSocketTestConnection(`${this.testApp.wsUrl}${path}`, options);
  }

  /** An SSE request for `path` (query string allowed). */
  sse(path: string, options?: SseTestRequestOptions): SseTestRequest {
    return new SseTestRequest(this.testApp.url, path, options);
  }

  /**
   * A WebTransport session to `path` on the app's WebTransport server (which must be enabled),
   * pinned to its certificate hash.
   */
  webTransport(
    path: string,
    options: WebTransportTestSessionOptions = {},
  ): WebTransportTestSession {
    const info = this.testApp.app.get(WebTransportServerInfo);
    return new WebTransportTestSession(info.url(path), {
      serverCertificateHashes: [info.certificateHash()],
      ...options,
    });
  }
}

/** A running Nest application on an ephemeral loopback port, with fluent streaming clients. */
export class StreamingTestApp {
  constructor(
    /** The Nest application. */
    readonly app: INestApplication,
  ) {}

  /** Wraps an application that is already listening. */
  static of(app: INestApplication): StreamingTestApp {
    return new StreamingTestApp(app);
  }

  /** The bound port. */
  get port(): number {
    const address = this.app.getHttpServer().address() as AddressInfo | null;
    if (!address) throw new InvalidStateError('The application is not listening');
    return address.port;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `ws://127.0.0.1:<port>` */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The application's `StreamingManager`. */
  get manager(): StreamingManager {
    return this.app.get(StreamingManager);
  }

  /** Fluent clients. */
  test(): StreamingTestClient {
    return new StreamingTestClient(this);
  }

  /** Closes the application (graceful shutdown included). */
  close(): Promise<void> {
    return this.app.close();
  }
}

async function createPlatformApp(
  moduleRef: TestingModule,
  platform: TestPlatform,
): Promise<INestApplication> {
  if (platform === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify').catch((error: unknown) => {
      if (isNotFound(error, '@nestjs/platform-fastify'))
        throw new MissingDependencyError('@nestjs/platform-fastify', "platform: 'fastify'");
      throw error;
    });
    return moduleRef.createNestApplication(new FastifyAdapter());
  }
  return moduleRef.createNestApplication();
}

/**
 * Builds, starts and returns a test application listening on 127.0.0.1 with an ephemeral port.
 * `ForgeStreamingModule.forRoot(config)` is imported for you.
 */
export async function createStreamingTestApp(
  options: StreamingTestAppOptions = {},
): Promise<StreamingTestApp> {
  const {
    config,
    platform = 'express',
    configure,
    logger = false,
    imports = [],
    overrides = [],
    ...metadata
  } = options;
  const { Test } = await loadNestTesting();
  const builder = Test.createTestingModule({
    ...metadata,
    imports: [ForgeStreamingModule.forRoot(config ?? {}), ...imports],
  });
  for (const override of overrides) {
    const replaced = builder.overrideProvider(override.provide);
    if ('useValue' in override) replaced.useValue(override.useValue);
    else replaced.useClass(override.useClass);
  }
  const moduleRef = await builder.compile();
  const app = await createPlatformApp(moduleRef, platform);
  if (!logger) app.useLogger(false);
  await configure?.(app);
  await app.listen(0, '127.0.0.1');
  return new StreamingTestApp(app);
}
