import {
  Catch,
  Controller,
  Injectable,
  UnauthorizedException,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { finalize, map, type Observable } from 'rxjs';
import {
  CloseCode,
  MessageType,
  StreamingException,
  StreamingExecutionContext,
  StreamingJwtGuard,
  StreamingManager,
  WebSocketRoute,
  exceptConnection,
  inRoom,
  type WebSocketConnection,
} from '../../../src/index.js';
import { UseFilters } from '@nestjs/common';

/** Allows the handshake when the `x-role` header is `admin`, 401 when absent, 403 otherwise. */
@Injectable()
export class HeaderRoleGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; user?: unknown }>();
    const role = request.headers['x-role'];
    if (!role) throw new UnauthorizedException('No role');
    if (role !== 'admin') return false;
    request.user = { id: 'admin-1', role };
    return true;
  }
}

/** Records interceptor events, to prove interceptors wrap the connection's lifetime. */
@Injectable()
export class LifetimeInterceptor implements NestInterceptor {
  static readonly events: string[] = [];
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    LifetimeInterceptor.events.push(`start:${StreamingExecutionContext.getProtocol(context)}`);
    return next.handle().pipe(finalize(() => LifetimeInterceptor.events.push('end')));
  }
}

/** Maps `Error('teapot')` to close code 4418. */
@Catch()
export class TeapotFilter implements ExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): never {
    if (exception instanceof Error && exception.message === 'teapot') {
      throw new StreamingException('teapot', 4418, 418);
    }
    throw exception;
  }
}

@Controller('ws')
export class EchoController {
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    await conn.writeMessage(MessageType.Text, 'Connected to WebSocket');
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }

  @WebSocketRoute('hello')
  hello(conn: WebSocketConnection): Promise<void> {
    return conn.send('hello');
  }

  @WebSocketRoute('params/:roomId/:item')
  params(conn: WebSocketConnection): Promise<void> {
    return conn.sendJSON({
      roomId: conn.get('roomId'),
      item: conn.get('item'),
      path: conn.request.path,
      query: conn.request.query,
    });
  }

  @WebSocketRoute('headers')
  headers(conn: WebSocketConnection): Promise<void> {
    return conn.sendJSON(Object.keys(conn.request.headers).sort());
  }

  @WebSocketRoute('throws')
  async throws(conn: WebSocketConnection): Promise<void> {
    await conn.readMessage();
    throw new Error('handler failure');
  }

  @WebSocketRoute('teapot')
  @UseFilters(TeapotFilter)
  async teapot(conn: WebSocketConnection): Promise<void> {
    await conn.readMessage();
    throw new Error('teapot');
  }

  @WebSocketRoute('streaming-exception')
  async streamingException(conn: WebSocketConnection): Promise<void> {
    await conn.readMessage();
    throw new StreamingException('go away', CloseCode.PolicyViolation);
  }

  @WebSocketRoute('observable')
  observable(conn: WebSocketConnection): Observable<unknown> {
    return conn.messages$.pipe(map((message) => ({ echoed: message.data })));
  }

  @WebSocketRoute('intercepted')
  @UseInterceptors(LifetimeInterceptor)
  async intercepted(conn: WebSocketConnection): Promise<void> {
    await conn.readMessage();
    LifetimeInterceptor.events.push('handler-done');
  }
}

@Controller('guarded')
@UseGuards(HeaderRoleGuard)
export class ClassGuardedController {
  @WebSocketRoute('ws')
  whoami(conn: WebSocketConnection): Promise<void> {
    return conn.sendJSON({ user: conn.user, userId: conn.userId });
  }
}

@Controller('method-guarded')
export class MethodGuardedController {
  @WebSocketRoute('ws')
  @UseGuards(HeaderRoleGuard)
  whoami(conn: WebSocketConnection): Promise<void> {
    return conn.sendJSON({ userId: conn.userId });
  }

  @WebSocketRoute('open')
  open(conn: WebSocketConnection): Promise<void> {
    return conn.send('open');
  }
}

@Controller('jwt')
export class JwtController {
  @WebSocketRoute('ws')
  @UseGuards(StreamingJwtGuard)
  whoami(conn: WebSocketConnection): Promise<void> {
    return conn.sendJSON({ userId: conn.userId, user_id: conn.get('user_id') });
  }
}

/** A chat room: joins `room`, relays each text message to the other members. */
@Controller('chat')
export class ChatController {
  constructor(private readonly manager: StreamingManager) {}

  @WebSocketRoute(':room')
  async chat(conn: WebSocketConnection): Promise<void> {
    const room = conn.get<string>('room')!;
    conn.join(room);
    await conn.send({ joined: room, id: conn.id });
    for await (const message of conn) {
      await this.manager.broadcast(
        { room, from: conn.id, text: message.data },
        inRoom(room),
        exceptConnection(conn.id),
      );
    }
  }
}
