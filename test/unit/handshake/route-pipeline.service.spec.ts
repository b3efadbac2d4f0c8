import 'reflect-metadata';
import {
  Catch,
  Controller,
  Injectable,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { finalize, type Observable } from 'rxjs';
import { StreamingException } from '../../../src/errors/streaming.exception.js';
import { WebSocketRoute } from '../../../src/decorators/web-socket-route.decorator.js';
import type { BaseConnection } from '../../../src/connection/base.connection.js';
import type { PipelineHandshake } from '../../../src/handshake/route-definition.js';
import type { WebSocketConnection } from '../../../src/interfaces/connection.interface.js';
import { StreamingManager } from '../../../src/manager/streaming-manager.service.js';
import { RouteTable } from '../../../src/routing/route-table.service.js';
import { STREAMING_CONTEXT_TYPE } from '../../../src/streaming.constants.js';
import {
  createStreamingTestApp,
  type StreamingTestApp,
} from '../../../src/testing/streaming-test-app.js';
import { MemoryConnection } from '../../support/memory-connection.js';

const calls: string[] = [];

function recordingGuard(name: string, allow = true): CanActivate {
  return {
    canActivate(context: ExecutionContext): boolean {
      calls.push(`${name}:${context.getType()}:${context.getClass().name}`);
      return allow;
    },
  };
}

@Injectable()
class ClassGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    calls.push(`class:${context.getType()}`);
    return true;
  }
}

@Injectable()
class LifetimeInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    calls.push('intercept:start');
    return next.handle().pipe(finalize(() => calls.push('intercept:end')));
  }
}

@Catch()
class TeapotFilter implements ExceptionFilter {
  catch(exception: unknown): never {
    if (exception instanceof Error && exception.message === 'teapot') {
      throw new StreamingException('teapot', 4418, 418);
    }
    throw exception;
  }
}

@Controller('pipe')
@UseGuards(ClassGuard)
class PipelineController {
  @WebSocketRoute('guarded')
  @UseGuards(recordingGuard('method'))
  guarded(conn: WebSocketConnection): void {
    calls.push(`handler:${conn.protocol}`);
  }

  @WebSocketRoute('denied')
  @UseGuards(recordingGuard('deny', false))
  denied(): void {
    calls.push('denied handler ran');
  }

  @WebSocketRoute('intercepted')
  @UseInterceptors(LifetimeInterceptor)
  intercepted(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('teapot')
  @UseFilters(TeapotFilter)
  teapot(): never {
    throw new Error('teapot');
  }
}

/** A handshake whose accept step hands out an in-memory connection. */
function memoryHandshake(): PipelineHandshake & { conn: MemoryConnection } {
  const conn = new MemoryConnection();
  return {
    conn,
    failure: undefined,
    accept: () => Promise.resolve(conn as BaseConnection),
  };
}

const request = {
  method: 'GET',
  url: '/',
  path: '/',
  headers: {},
  query: {},
  params: {},
  ip: '127.0.0.1',
};

describe('RoutePipelineFactory', () => {
  let testApp: StreamingTestApp;
  let routes: RouteTable;

  before(async () => {
    testApp = await createStreamingTestApp({
      controllers: [PipelineController],
      providers: [ClassGuard, LifetimeInterceptor],
      configure: (app) => {
        app.useGlobalGuards(recordingGuard('global'));
      },
    });
    routes = testApp.app.get(RouteTable);
  });
  after(() => testApp.close());

  const invoke = (path: string, handshake: PipelineHandshake) =>
    routes.match('websocket', path)!.route.invoke(request, handshake);

  test('global, class and method guards run in that order with the streaming context type', async () => {
    calls.length = 0;
    await invoke('/pipe/guarded', memoryHandshake());
    assert.deepEqual(calls, [
      `global:${STREAMING_CONTEXT_TYPE}:PipelineController`,
      `class:${STREAMING_CONTEXT_TYPE}`,
      `method:${STREAMING_CONTEXT_TYPE}:PipelineController`,
      'handler:websocket',
    ]);
  });

  test('a guard that refuses stops the pipeline before the accept step with a 403', async () => {
    calls.length = 0;
    const handshake = memoryHandshake();
    await assert.rejects(invoke('/pipe/denied', handshake), { status: 403 });
    assert.ok(!calls.includes('denied handler ran'));
    assert.equal(handshake.conn.isClosed, false, 'nothing was accepted');
  });

  test('interceptors wrap the connection’s whole life', async () => {
    calls.length = 0;
    const handshake = memoryHandshake();
    const run = invoke('/pipe/intercepted', handshake);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      calls.filter((c) => c.startsWith('intercept')),
      ['intercept:start'],
    );
    handshake.conn.close(1000, 'bye');
    await run;
    assert.deepEqual(
      calls.filter((c) => c.startsWith('intercept')),
      ['intercept:start', 'intercept:end'],
    );
  });

  test('a method exception filter maps the handler’s error, recorded as the handshake failure', async () => {
    const handshake = memoryHandshake();
    await assert.rejects(invoke('/pipe/teapot', handshake), (error) => {
      return error instanceof StreamingException && error.code === 4418;
    });
    assert.ok(handshake.failure instanceof Error, 'the original failure is kept for the transport');
  });

  test('a programmatic route runs the guards given in its options, classes resolved through DI', async () => {
    calls.length = 0;
    testApp.app.get(StreamingManager).webSocket(
      '/pipe/runtime',
      () => {
        calls.push('runtime handler');
      },
      { guards: [ClassGuard, recordingGuard('option')] },
    );
    await invoke('/pipe/runtime', memoryHandshake());
    assert.deepEqual(calls.slice(-3), [
      `class:${STREAMING_CONTEXT_TYPE}`,
      `option:${STREAMING_CONTEXT_TYPE}:ProgrammaticStreamingRoute`,
      'runtime handler',
    ]);
  });
});
