import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ForgeStreamingModule } from '../../src/streaming.module.js';
import { StreamingManager } from '../../src/manager/streaming-manager.service.js';
import { StreamingGateway } from '../../src/decorators/streaming-gateway.decorator.js';
import { OnMessage } from '../../src/decorators/on-message.decorator.js';
import { OnConnect } from '../../src/decorators/on-connection.decorator.js';
import { Conn, MessageBody } from '../../src/decorators/gateway-params.decorator.js';
import type { GatewayConnection } from '../../src/interfaces/gateway-connection.interface.js';
import { portOf, type BenchServer } from './bench-server.js';
import {
  CHAT_MESSAGE_EVENT,
  CHAT_SEND_EVENT,
  FAN_ROOM,
  replyTo,
  type BenchChatReply,
  type BenchChatSend,
} from './chat-request.js';

/** `chat.send` with an `id` gets its reply `{ id, data }`. */
@Injectable()
@StreamingGateway('echo')
class ChatEchoGateway {
  @OnMessage(CHAT_SEND_EVENT)
  send(@MessageBody() body: BenchChatSend): BenchChatReply {
    return replyTo(body);
  }
}

/** Every connection joins the broadcast room. */
@Injectable()
@StreamingGateway('fan')
class ChatFanGateway {
  @OnConnect()
  joined(@Conn() conn: GatewayConnection): void {
    conn.join(FAN_ROOM);
  }
}

@Module({
  imports: [ForgeStreamingModule.forRoot()],
  providers: [ChatEchoGateway, ChatFanGateway],
})
class GatewayBenchModule {}

@Injectable()
class RoomEmitter {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  emit(payload: string): void {
    void this.manager.to(FAN_ROOM).emit(CHAT_MESSAGE_EVENT, payload);
  }
}

/**
 * The library's event gateways on Express: `/echo` answers `chat.send` requests, `/fan`
 * subscribers receive `manager.to(room).emit('chat.message', payload)`.
 */
export async function startForgeGateway(): Promise<BenchServer> {
  const app = await NestFactory.create(GatewayBenchModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const emitter = new RoomEmitter(app.get(StreamingManager));
  return {
    port: portOf(app.getHttpServer()),
    broadcast: (payload) => emitter.emit(payload),
    close: () => app.close(),
  };
}
