import 'reflect-metadata';
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ForgeStreamingModule } from '../../src/streaming.module.js';
import { StreamingManager } from '../../src/manager/streaming-manager.service.js';
import { SseRoute } from '../../src/decorators/sse-route.decorator.js';
import { WebSocketRoute } from '../../src/decorators/web-socket-route.decorator.js';
import { protocol } from '../../src/registry/connection-filters.js';
import type { SseContext, WebSocketConnection } from '../../src/interfaces/connection.interface.js';
import { portOf, type BenchServer } from './bench-server.js';
import { isBroadcastRequest } from './broadcast-request.js';
import { installWriteCounter } from './write-counter.js';

@Injectable()
class SubscriberRoutes {
  @WebSocketRoute('fan')
  fan(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @SseRoute('events')
  events(ctx: SseContext): void {
    ctx.keepOpen();
  }
}

/** `POST /broadcast {message, protocol?}`: what an application's REST endpoint does. */
@Controller()
class BroadcastController {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  @Post('broadcast')
  @HttpCode(204)
  async broadcast(@Body() body: unknown): Promise<void> {
    if (!isBroadcastRequest(body)) throw new BadRequestException('Expected {"message": string}');
    const filters = body.protocol ? [protocol(body.protocol)] : [];
    await this.manager.broadcast(body.message, ...filters);
  }
}

@Module({
  imports: [ForgeStreamingModule.forRoot()],
  controllers: [BroadcastController],
  providers: [SubscriberRoutes],
})
class RestBroadcastModule {}

/** The library on Express with WebSocket and SSE subscribers and a REST broadcast controller. */
export async function startRestForge(): Promise<BenchServer> {
  installWriteCounter();
  const app = await NestFactory.create(RestBroadcastModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const manager = app.get(StreamingManager);
  return {
    port: portOf(app.getHttpServer()),
    broadcast: (payload) => void manager.broadcast(payload),
    close: () => app.close(),
  };
}
