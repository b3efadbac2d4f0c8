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

/** Functional middleware, as in the guide: sees the connection, can refuse or wrap it. */
const attempts = new Map<string, number>();
export const perAddressLimit: StreamingMiddleware = async (conn, next) => {
  const count = (attempts.get(conn.remoteAddr) ?? 0) + 1;
  attempts.set(conn.remoteAddr, count);
  if (count > 100) throw new StreamingException('rate limit exceeded', CloseCode.PolicyViolation);
  try {
    await next();
  } finally {
    attempts.set(conn.remoteAddr, (attempts.get(conn.remoteAddr) ?? 1) - 1);
  }
};

@Controller()
@UseInterceptors(StreamingLoggingInterceptor, ConnectionMetricsInterceptor)
export class LiveController {
  @WebSocketRoute('live', { middleware: [perAddressLimit] })
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
