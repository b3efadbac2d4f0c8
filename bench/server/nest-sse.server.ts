import 'reflect-metadata';
import { Controller, Module, Sse, type MessageEvent } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Subject, type Observable } from 'rxjs';
import { portOf, type BenchServer } from './bench-server.js';

@Controller()
class EventsController {
  readonly events = new Subject<MessageEvent>();

  @Sse('events')
  stream(): Observable<MessageEvent> {
    return this.events.asObservable();
  }
}

@Module({ controllers: [EventsController] })
class SseModule {}

/** NestJS's own `@Sse()` on Express, fed by a shared Subject. */
export async function startNestSse(): Promise<BenchServer> {
  const app = await NestFactory.create(SseModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const controller = app.get(EventsController);
  return {
    port: portOf(app.getHttpServer()),
    broadcast: (payload) => controller.events.next({ data: payload }),
    close: () => app.close(),
  };
}
