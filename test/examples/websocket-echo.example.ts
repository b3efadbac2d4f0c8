// README: "Basic WebSocket handler"
import { Controller, Module } from '@nestjs/common';
import {
  ForgeStreamingModule,
  MessageType,
  WebSocketRoute,
  type WebSocketConnection,
} from 'nestjs-forge-streaming';

@Controller('ws')
export class EchoController {
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    await conn.writeMessage(MessageType.Text, 'Connected to WebSocket');
    for await (const message of conn) {
      await conn.writeMessage(message.type, message.data); // text stays text, binary stays binary
    }
  }
}

@Module({
  imports: [ForgeStreamingModule.forRoot()],
  controllers: [EchoController],
})
export class AppModule {}
