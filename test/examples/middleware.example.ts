// README: "Streaming middleware"
import {
  Controller,
  Injectable,
  Logger,
  Module,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';
import {
  CloseCode,
  ForgeStreamingModule,
  StreamingException,
  StreamingExecutionContext,
  StreamingLoggingInterceptor,
  WebSocketRoute,
  type StreamingMiddleware,
  type WebSocketConnection,
} from 'nestjs-forge-streaming';

/** An interceptor wraps the connection's whole lifetime: `next.handle()` completes when it ends. */
@Injectable()
export class ConnectionMetricsInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Metrics');
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = Date.now();
    const protocol = StreamingExecutionContext.getProtocol(context);
    return next
      .handle()
      .pipe(
        finalize(() => this.logger.log(`${protocol} connection lasted ${Date.now() - started} ms`)),
      );
  }
}

/** Functional middleware, as in the guide: at most 100 open connections per address. */
const open = new Map<string, number>();
export const perAddressLimit: StreamingMiddleware = async (conn, next) => {
  const count = open.get(conn.remoteAddr) ?? 0;
  // refused before counting, so a refusal leaves nothing behind
  if (count >= 100) throw new StreamingException('too many connections', CloseCode.PolicyViolation);
  open.set(conn.remoteAddr, count + 1);
  try {
    await next();
  } finally {
    const left = (open.get(conn.remoteAddr) ?? 1) - 1;
    if (left === 0) open.delete(conn.remoteAddr);
    else open.set(conn.remoteAddr, left);
  }
};

@Controller()
@UseInterceptors(StreamingLoggingInterceptor, ConnectionMetricsInterceptor)
export class LiveController {
  // perAddressLimit runs for every route (forRoot below); for one route only, give it here
  // instead: @WebSocketRoute('live', { middleware: [perAddressLimit] })
  @WebSocketRoute('live')
  async live(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.send(message.data);
  }
}

@Module({
  imports: [ForgeStreamingModule.forRoot({ middleware: [perAddressLimit] })],
  controllers: [LiveController],
  providers: [ConnectionMetricsInterceptor],
})
export class AppModule {}
