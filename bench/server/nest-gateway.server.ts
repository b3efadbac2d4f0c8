import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
} from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { Server, WebSocket } from 'ws';
import { BENCH_TOKEN } from '../bench-config.js';
import { hasToken, portOf, type BenchServer } from './bench-server.js';

@WebSocketGateway({ path: '/echo' })
class EchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): { event: string; data: unknown } {
    return { event: 'echo', data };
  }
}

@WebSocketGateway({ path: '/fan' })
class FanGateway {
  @WebSocketServer()
  server!: Server;

  broadcast(payload: string): void {
    const message = JSON.stringify({ event: 'm', data: payload });
    for (const client of this.server.clients) client.send(message);
  }
}

@WebSocketGateway({ path: '/guarded' })
class GuardedGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket, request: IncomingMessage): void {
    if (!hasToken(request.url, BENCH_TOKEN)) client.close(1008, 'unauthorized');
  }
}

@Module({ providers: [EchoGateway, FanGateway, GuardedGateway] })
class GatewayModule {}

/** A NestJS `@WebSocketGateway` on `@nestjs/platform-ws` (`WsAdapter`), as the Nest docs show it. */
export async function startNestGateway(): Promise<BenchServer> {
  const app = await NestFactory.create(GatewayModule, { logger: false });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const fan = app.get(FanGateway);
  return {
    port: portOf(app.getHttpServer()),
    broadcast: (payload) => fan.broadcast(payload),
    close: () => app.close(),
  };
}
