import 'reflect-metadata';
import {
  Controller,
  Inject,
  Injectable,
  Module,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import WebSocket from 'ws';
import {
  ForgeStreamingModule,
  SseRoute,
  StreamingManager,
  WebSocketRoute,
  exceptConnection,
  type HandshakeRequest,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { RedisStreamingAdapter } from '../../../src/adapters/redis/redis-streaming.adapter.js';
import type { RedisStreamingAdapterOptions } from '../../../src/adapters/redis/redis-adapter-options.interface.js';

/**
 * A chat: `/chat/:room` joins the room, greets with `{ "id": <connection id> }`, and sends each
 * text message to the other members of the room (on every instance) as `{ from, text }`.
 */
@Controller()
class ChatController {
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
}

/** Test-only authentication: the user is `?user=`. */
@Injectable()
class QueryUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HandshakeRequest & { user?: unknown }>();
    if (!request.query.user) return false;
    request.user = { id: request.query.user };
    return true;
  }
}

/** SSE routes: `/feed` (anyone) and `/notifications` (a user); both greet with `ready`. */
@Controller()
class FeedController {
  @SseRoute('feed')
  feed(ctx: SseContext): void {
    void ctx.writeSSE('ready', {});
    ctx.keepOpen();
  }

  @SseRoute('notifications')
  @UseGuards(QueryUserGuard)
  notifications(ctx: SseContext): void {
    void ctx.writeSSE('ready', {});
    ctx.keepOpen();
  }
}

/** One app instance of a test cluster. */
export interface ClusterApp {
  readonly app: INestApplication;
  readonly manager: StreamingManager;
  readonly adapter: RedisStreamingAdapter;
  readonly port: number;
}

/** Starts an app instance with a Redis adapter. */
export async function startClusterApp(options: RedisStreamingAdapterOptions): Promise<ClusterApp> {
  const adapter = new RedisStreamingAdapter({ heartbeatMs: 200, registryTtlMs: 1500, ...options });
  @Module({
    imports: [ForgeStreamingModule.forRoot({ adapter })],
    controllers: [ChatController, FeedController],
  })
  class ClusterAppModule {}
  const app = await NestFactory.create(ClusterAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  return { app, manager: app.get(StreamingManager), adapter, port };
}

/** A WebSocket client that records every message (parsed as JSON) and its close code. */
export class ChatClient {
  readonly received: unknown[] = [];
  closeCode: number | undefined;
  id = '';

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as unknown));
    ws.on('close', (code) => (this.closeCode = code));
  }

  /** Connects to `/chat/:room` and waits for the greeting with the connection id. */
  static async connect(port: number, room: string): Promise<ChatClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat/${room}`);
    const client = new ChatClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed with ${code} before the greeting`)));
    });
    client.id = (client.received.shift() as { id: string }).id;
    return client;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** Closes and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.close();
    await closed;
  }
}
