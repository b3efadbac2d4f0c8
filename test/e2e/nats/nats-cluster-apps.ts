import 'reflect-metadata';
import { Controller, Inject, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ForgeStreamingModule,
  SseRoute,
  StreamingManager,
  WebSocketRoute,
  exceptConnection,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { NatsStreamingAdapter } from '../../../src/adapters/nats/nats-streaming.adapter.js';
import type { NatsStreamingAdapterOptions } from '../../../src/adapters/nats/nats-adapter-options.interface.js';

/**
 * `/chat/:room` joins the room, greets with `{ "id": <connection id> }` and sends each text
 * message to the other members of the room, on every instance, as `{ from, text }`.
 */
@Controller()
class NatsChatController {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  @WebSocketRoute('chat/:room')
  async chat(conn: WebSocketConnection): Promise<void> {
    const room = String(conn.get('room'));
    conn.join(room);
    await conn.sendJSON({ id: conn.id });
    for await (const message of conn) {
      await this.manager
        .to(room)
        .broadcast({ from: conn.id, text: String(message.data) }, exceptConnection(conn.id));
    }
  }

  @SseRoute('feed')
  feed(ctx: SseContext): void {
    void ctx.writeSSE('ready', {});
    ctx.keepOpen();
  }
}

/** One app instance on NATS. */
export interface NatsClusterApp {
  readonly app: INestApplication;
  readonly manager: StreamingManager;
  readonly adapter: NatsStreamingAdapter;
  readonly port: number;
}

/** Starts an app instance with a NATS adapter (heartbeat 200 ms, registry TTL 1.5 s). */
export async function startNatsApp(options: NatsStreamingAdapterOptions): Promise<NatsClusterApp> {
  const adapter = new NatsStreamingAdapter({ heartbeatMs: 200, registryTtlMs: 1500, ...options });
  @Module({
    imports: [ForgeStreamingModule.forRoot({ adapter })],
    controllers: [NatsChatController],
  })
  class NatsClusterAppModule {}
  const app = await NestFactory.create(NatsClusterAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  return { app, manager: app.get(StreamingManager), adapter, port };
}
