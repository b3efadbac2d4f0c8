// README: "WebSocket with authentication"
import { Controller, Module, UseGuards } from '@nestjs/common';
import {
  ForgeStreamingModule,
  StreamingJwtGuard,
  WebSocketRoute,
  type WebSocketConnection,
} from 'nestjs-forge-streaming';

@Controller('ws')
export class PrivateController {
  // Runs at the handshake: no valid token, no upgrade (HTTP 401).
  @UseGuards(StreamingJwtGuard)
  @WebSocketRoute('authenticated')
  async authenticated(conn: WebSocketConnection): Promise<void> {
    const userId = conn.get<string>('user_id'); // the token's `sub`
    await conn.send(`Welcome, user ${userId}`);
    for await (const message of conn) {
      await conn.sendJSON({ userId, received: message.data });
    }
  }
}

@Module({
  imports: [
    ForgeStreamingModule.forRoot({ jwt: { secret: process.env.JWT_SECRET ?? 'dev-secret' } }),
  ],
  controllers: [PrivateController],
})
export class AppModule {}
