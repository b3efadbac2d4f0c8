import 'reflect-metadata';
import type { WebTransportSession } from '../../../src/index.js';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import {
  ForgeStreamingModule,
  WebTransportServerInfo,
  type StreamingConfig,
} from '../../../src/index.js';
import {
  connectWebTransport,
  type ConnectWebTransportOptions,
  type WebTransportClientSession,
} from '../../../src/client/index.js';

/** A running test app with its WebTransport server on a free port. */
export interface WebTransportTestApp {
  readonly app: INestApplication;
  readonly info: WebTransportServerInfo;
  url(path: string): string;
  connect(path: string, options?: ConnectWebTransportOptions): Promise<WebTransportClientSession>;
  close(): Promise<void>;
}

type ModuleClass = new (...args: never[]) => unknown;

/** Builds a module class importing the streaming module with WebTransport on port 0. */
export function webTransportModule(
  controllers: ModuleClass[],
  config: StreamingConfig = {},
  providers: ModuleClass[] = [],
): ModuleClass {
  class TestModule {}
  const merged: StreamingConfig = {
    ...config,
    webTransport: { enabled: true, port: 0, http3: 'off', ...config.webTransport },
  };
  Reflect.defineMetadata('imports', [ForgeStreamingModule.forRoot(merged)], TestModule);
  Reflect.defineMetadata('controllers', controllers, TestModule);
  Reflect.defineMetadata('providers', providers, TestModule);
  return TestModule;
}

/** Starts an app (HTTP on 127.0.0.1:0) with the given module. */
export async function startWebTransportApp(module: ModuleClass): Promise<WebTransportTestApp> {
  const app = await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  const info = app.get(WebTransportServerInfo);
  const clients: WebTransportClientSession[] = [];
  return {
    app,
    info,
    url: (path) => info.url(path),
    connect: async (path, options = {}) => {
      const client = await connectWebTransport(info.url(path), {
        serverCertificateHashes: [info.certificateHash()],
        ...options,
      });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.close();
      await app.close();
    },
  };
}

/** Echoes every bidirectional stream the client opens, in the background, until the session ends. */
export function echoBidirectionalStreams(session: WebTransportSession): void {
  void (async () => {
    for await (const stream of session.incomingBidirectionalStreams) {
      void (async () => {
        for await (const chunk of stream) await stream.write(chunk);
        await stream.close();
      })().catch(() => undefined);
    }
  })();
}

export { readAll } from '../../../src/client/read-stream.js';
