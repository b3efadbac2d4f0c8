import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';
import { StreamingExecutionContext } from '../handshake/streaming-execution-context.js';

/**
 * Logs when a streaming connection starts and ends (protocol, route, remote address, duration,
 * close code). Never logs tokens or query strings.
 */
@Injectable()
export class StreamingLoggingInterceptor implements NestInterceptor {
  private readonly logger = new Logger('StreamingConnection');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!StreamingExecutionContext.isStreaming(context)) return next.handle();
    const handshake = StreamingExecutionContext.getHandshake(context);
    const request = StreamingExecutionContext.getRequest(context);
    const started = Date.now();
    this.logger.log(`${handshake.protocol} ${request.path} started from ${request.ip}`);
    return next.handle().pipe(
      finalize(() => {
        const conn = handshake.connection;
        const info = conn ? ` id=${conn.id}` : '';
        this.logger.log(
          `${handshake.protocol} ${request.path} ended${info} after ${Date.now() - started} ms`,
        );
      }),
    );
  }
}
