import {
  Catch,
  Injectable,
  NotFoundException,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { map, of, type Observable } from 'rxjs';
import {
  Conn,
  MessageBody,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Param,
  StreamingGateway,
  type GatewayConnection,
  type WithReply,
} from '../../../src/index.js';

/** The payload of `chat.send`. */
export class SendMessageDto {
  @IsString()
  @Length(1, 20)
  text!: string;
}

/** Lets a message through when the handshake asked for `?role=admin`. */
@Injectable()
export class AdminMessageGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const conn = context.switchToWs().getClient<GatewayConnection>();
    return conn.request.query.role === 'admin';
  }
}

/** Wraps a handler's value, to prove method interceptors run per message. */
@Injectable()
export class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}

/** Thrown by `teapot`; handled by {@link TeapotFilter}. */
export class TeapotError extends Error {}

/** Answers a {@link TeapotError} with a reply of its own. */
@Catch(TeapotError)
export class TeapotFilter implements ExceptionFilter {
  catch(): unknown {
    return { brewed: 'tea' };
  }
}

/** Thrown by `global-filtered`; handled by a global filter in the spec. */
export class GlobalOnlyError extends Error {}

/** A global filter for {@link GlobalOnlyError}. */
@Catch(GlobalOnlyError)
export class GlobalOnlyFilter implements ExceptionFilter {
  catch(): unknown {
    return { fromGlobalFilter: true };
  }
}

/** What the server sends, typed. */
export interface RoomServerEvents {
  note: { n: number };
  question: WithReply<{ q: number }, { a: number }>;
}

/** Records connect and disconnect calls. */
export const lifecycle: string[] = [];

@StreamingGateway('/ws/rooms/:room', {
  maxBadMessages: 3,
  maxPendingReplies: 2,
  emits: { note: undefined, 'chat.message': SendMessageDto },
})
export class RoomGateway {
  @OnConnect()
  joined(@Conn() conn: GatewayConnection, @Param('room') room: string): void {
    conn.join(room);
    lifecycle.push(`connect:${room}`);
  }

  @OnDisconnect()
  left(@Param('room') room: string): void {
    lifecycle.push(`disconnect:${room}`);
  }

  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }

  @OnMessage('chat.send')
  send(@MessageBody() dto: SendMessageDto, @Param('room') room: string): unknown {
    return { room, text: dto.text, isDto: dto instanceof SendMessageDto };
  }

  @OnMessage('double')
  async double(@MessageBody('n') n: number): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    return n * 2;
  }

  @OnMessage('count')
  count(): Observable<number> {
    return of(1, 2, 3);
  }

  @OnMessage('boom')
  boom(): never {
    throw new Error('secret internal detail');
  }

  @OnMessage('missing')
  missing(): never {
    throw new NotFoundException('No such item');
  }

  @UseGuards(AdminMessageGuard)
  @OnMessage('admin')
  admin(): string {
    return 'granted';
  }

  @UseInterceptors(WrapInterceptor)
  @OnMessage('wrapped')
  wrapped(): string {
    return 'inner';
  }

  @UseFilters(TeapotFilter)
  @OnMessage('teapot')
  teapot(): never {
    throw new TeapotError('short and stout');
  }

  @OnMessage('global-filtered')
  globalFiltered(): never {
    throw new GlobalOnlyError('for the global filter');
  }

  @OnMessage('never')
  never(): Promise<never> {
    return new Promise<never>(() => undefined);
  }

  @OnMessage('notify')
  notify(@Conn() conn: GatewayConnection<RoomServerEvents>): string {
    conn.emit('note', { n: 1 });
    return 'sent';
  }

  @OnMessage('ask')
  async ask(@Conn() conn: GatewayConnection<RoomServerEvents>): Promise<unknown> {
    try {
      const answer = await conn.emitWithAck('question', { q: 20 }, { timeoutMs: 300 });
      return { answer: answer.a };
    } catch (error) {
      return { failed: (error as { code?: string }).code };
    }
  }
}
