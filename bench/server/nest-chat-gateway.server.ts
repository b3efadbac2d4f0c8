import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { portOf, type BenchServer } from './bench-server.js';
import {
  CHAT_SEND_EVENT,
  replyTo,
  type BenchChatReply,
  type BenchChatSend,
} from './chat-request.js';

/** Nest's gateways have no request ids: the client puts one in the DTO and gets it back. */
interface NestChatSend extends BenchChatSend {
  readonly id: number;
}

@WebSocketGateway({ path: '/echo' })
class NestChatGateway {
  @SubscribeMessage(CHAT_SEND_EVENT)
  send(@MessageBody() body: NestChatSend): {
    event: string;
    data: BenchChatReply & { id: number };
  } {
    return { event: CHAT_SEND_EVENT, data: { id: body.id, ...replyTo(body) } };
  }
}

@Module({ providers: [NestChatGateway] })
class NestChatModule {}

/**
 * A NestJS `@SubscribeMessage` gateway on `@nestjs/platform-ws` answering `chat.send` with
 * `{ event, data }`, as the Nest docs show a reply. It serves no broadcast.
 */
export async function startNestChatGateway(): Promise<BenchServer> {
  const app = await NestFactory.create(NestChatModule, { logger: false });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  return {
    port: portOf(app.getHttpServer()),
    broadcast: () => undefined,
    close: () => app.close(),
  };
}
