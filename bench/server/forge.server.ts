import 'reflect-metadata';
import {
  Injectable,
  Module,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ForgeStreamingModule } from '../../src/streaming.module.js';
import { StreamingManager } from '../../src/manager/streaming-manager.service.js';
import { SseRoute } from '../../src/decorators/sse-route.decorator.js';
import { WebSocketRoute } from '../../src/decorators/web-socket-route.decorator.js';
import { WebTransportRoute } from '../../src/decorators/web-transport-route.decorator.js';
import { WebTransportServerInfo } from '../../src/transports/web-transport/web-transport-server-info.service.js';
import type {
  HandshakeRequest,
  SseContext,
  WebSocketConnection,
  WebTransportSession,
} from '../../src/interfaces/connection.interface.js';
import { BENCH_TOKEN } from '../bench-config.js';
import { portOf, type BenchServer } from './bench-server.js';

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HandshakeRequest>();
    return request.query.token === BENCH_TOKEN;
  }
}

@Injectable()
class BenchRoutes {
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const msg of conn) await conn.writeMessage(msg.type, msg.data);
  }

  @WebSocketRoute('fan')
  fan(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('guarded')
  @UseGuards(TokenGuard)
  guarded(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @SseRoute('events')
  events(ctx: SseContext): void {
    ctx.keepOpen();
  }
}

/** `/echo` on the synchronous message path (`conn.onMessage`): no promise per message. */
@Injectable()
class SyncEchoRoutes {
  @WebSocketRoute('echo')
  echo(conn: WebSocketConnection): void {
    conn.onMessage((msg) => void conn.writeMessage(msg.type, msg.data));
  }
}

@Injectable()
class WebTransportRoutes {
  @WebTransportRoute('wt-echo')
  async echo(session: WebTransportSession): Promise<void> {
    for (;;) await session.sendMessage(await session.receiveMessage());
  }
}

@Module({
  imports: [ForgeStreamingModule.forRoot()],
  providers: [TokenGuard, BenchRoutes],
})
class BenchModule {}

@Module({
  imports: [ForgeStreamingModule.forRoot()],
  providers: [SyncEchoRoutes],
})
class SyncEchoBenchModule {}

@Module({
  imports: [
    ForgeStreamingModule.forRoot({
      webTransport: { enabled: true, host: '127.0.0.1', port: 0, http3: 'off' },
    }),
  ],
  providers: [TokenGuard, BenchRoutes, WebTransportRoutes],
})
class WebTransportBenchModule {}

/** Options of the library's benchmark server. */
export interface ForgeServerOptions {
  /** Also serve WebTransport (HTTP/2) on a port of its own, with an echo route. */
  readonly webTransport?: boolean;
  /** Serve `/echo` with `conn.onMessage` instead of `for await` (echo only). */
  readonly syncEcho?: boolean;
}

/** nestjs-forge-streaming on Express (default) or Fastify. */
export async function startForge(
  platform: 'express' | 'fastify',
  options: ForgeServerOptions = {},
): Promise<BenchServer> {
  const module = options.webTransport
    ? WebTransportBenchModule
    : options.syncEcho
      ? SyncEchoBenchModule
      : BenchModule;
  const app: INestApplication =
    platform === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  const manager = app.get(StreamingManager);
  const info = options.webTransport ? app.get(WebTransportServerInfo) : undefined;
  return {
    port: portOf(app.getHttpServer()),
    webTransport: info && {
      url: info.url('/wt-echo'),
      certificateHash: info.certificateHash().value,
    },
    broadcast: (payload) => void manager.broadcast(payload),
    close: () => app.close(),
  };
}
