import 'reflect-metadata';
import {
  Controller,
  Injectable,
  Module,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ForgeStreamingModule,
  SseRoute,
  StreamingManager,
  WebSocketRoute,
  type HandshakeRequest,
  type SseContext,
  type WebSocketConnection,
} from '../../../../src/index.js';
import type { StreamingAdapter } from '../../../../src/interfaces/streaming-adapter.interface.js';

/** The user is `?user=` when given (anonymous otherwise). */
@Injectable()
class OptionalQueryUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HandshakeRequest & { user?: unknown }>();
    const user = request.query.user;
    if (typeof user === 'string' && user !== '') request.user = { id: user };
    return true;
  }
}

/** Joins `:room` (unless `-`), stores `?tier=` as a context value, greets with its id, stays open. */
async function member(conn: WebSocketConnection): Promise<void> {
  const room = String(conn.get('room'));
  if (room !== '-') conn.join(room);
  const tier = conn.request.query.tier;
  if (typeof tier === 'string') conn.set('tier', tier);
  await conn.sendJSON({ id: conn.id });
  conn.keepOpen();
}

/** Members on two routes (`/conf/ws/:room`, `/conf/alt/:room`) and an SSE feed with history. */
@Controller('conf')
@UseGuards(OptionalQueryUserGuard)
class ConformanceController {
  @WebSocketRoute('ws/:room')
  ws(conn: WebSocketConnection): Promise<void> {
    return member(conn);
  }

  @WebSocketRoute('alt/:room')
  alt(conn: WebSocketConnection): Promise<void> {
    return member(conn);
  }

  @SseRoute('sse')
  sse(ctx: SseContext): void {
    void ctx.writeSSE('ready', {});
    ctx.keepOpen();
  }
}

/** One app instance of the suite. */
export interface ConformanceApp {
  readonly app: INestApplication;
  readonly manager: StreamingManager;
  readonly adapter: StreamingAdapter;
  readonly port: number;
}

/** Starts an app on a loopback port with `adapter`. */
export async function startConformanceApp(adapter: StreamingAdapter): Promise<ConformanceApp> {
  @Module({
    imports: [ForgeStreamingModule.forRoot({ adapter })],
    controllers: [ConformanceController],
  })
  class ConformanceAppModule {}
  const app = await NestFactory.create(ConformanceAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  return { app, manager: app.get(StreamingManager), adapter, port };
}
