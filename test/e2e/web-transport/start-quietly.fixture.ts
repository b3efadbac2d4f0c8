// Started as a child process by web-transport-startup.spec: boots an app with WebTransport
// (HTTP/3 'auto') and the Nest logger off, then prints one marker line with what it saw.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  WebTransportRoute,
  WebTransportServerInfo,
  type WebTransportSession,
} from '../../../src/index.js';
import { webTransportModule } from './web-transport-fixture.js';

@Controller()
class NoopController {
  @WebTransportRoute('/wt/noop')
  noop(_session: WebTransportSession): void {}
}

const app = await NestFactory.create(
  webTransportModule([NoopController], { webTransport: { http3: 'auto' } }),
  { logger: false },
);
await app.init();
const info = app.get(WebTransportServerInfo);
const seen = { port: info.port, transports: info.transports };
await new Promise((resolve) => setTimeout(resolve, 300));
await app.close();
process.stdout.write(`MARKER ${JSON.stringify(seen)}\n`);
