import 'reflect-metadata';
import { Controller, Injectable, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import { WebSocketRoute } from '../../../src/decorators/web-socket-route.decorator.js';
import { WebTransportRoute } from '../../../src/decorators/web-transport-route.decorator.js';
import { InvalidConfigError } from '../../../src/errors/invalid-config.error.js';
import { InvalidRouteError } from '../../../src/errors/invalid-route.error.js';
import { StreamingErrorCode } from '../../../src/errors/streaming.error.js';
import { StreamingManager } from '../../../src/manager/streaming-manager.service.js';
import { RouteTable } from '../../../src/routing/route-table.service.js';
import { ForgeStreamingModule } from '../../../src/streaming.module.js';

@Controller('/api/')
class PrefixedController {
  @WebSocketRoute('rooms/:room')
  room(): void {}

  @SseRoute('/feed/')
  feed(): void {}
}

@Injectable()
class ProviderRoutes {
  @WebTransportRoute('wt/echo')
  echo(): void {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedRoutes {
  @WebSocketRoute('scoped')
  scoped(): void {}
}

async function compile(metadata: Parameters<typeof Module>[0]) {
  const moduleRef = await Test.createTestingModule({
    imports: [ForgeStreamingModule.forRoot()],
    ...metadata,
  })
    .setLogger({ log() {}, error() {}, warn() {}, debug() {}, verbose() {} })
    .compile();
  await moduleRef.init();
  return moduleRef;
}

describe('StreamingRouteRegistrar', () => {
  test('decorated methods become routes: controller prefix joined, providers unprefixed', async () => {
    const moduleRef = await compile({
      controllers: [PrefixedController],
      providers: [ProviderRoutes, RequestScopedRoutes],
    });
    const routes = moduleRef.get(RouteTable);
    const served = routes
      .routes()
      .map((route) => `${route.protocol} ${route.path} ${route.source}`);
    assert.deepEqual(served.sort(), [
      'sse /api/feed PrefixedController.feed',
      'websocket /api/rooms/:room PrefixedController.room',
      'webtransport /wt/echo ProviderRoutes.echo',
    ]);
    assert.deepEqual(routes.match('websocket', '/api/rooms/lobby')?.params, { room: 'lobby' });
    assert.equal(
      routes.match('websocket', '/scoped'),
      undefined,
      'request-scoped hosts are skipped',
    );
    await moduleRef.close();
  });

  test('two routes on one protocol and path fail at start-up, naming both', async () => {
    @Controller()
    class First {
      @WebSocketRoute('same')
      a(): void {}
    }
    @Controller()
    class Second {
      @WebSocketRoute('/same/')
      b(): void {}
    }
    await assert.rejects(compile({ controllers: [First, Second] }), (error) => {
      assert.ok(error instanceof InvalidRouteError);
      assert.equal(error.code, StreamingErrorCode.InvalidRoute);
      assert.match(error.message, /First\.a/);
      assert.match(error.message, /Second\.b/);
      return true;
    });
  });

  test('an invalid route option fails at start-up, naming the route and the option', async () => {
    @Controller()
    class BadOptions {
      @WebSocketRoute('bad', { maxConnections: -1 })
      bad(): void {}
    }
    await assert.rejects(compile({ controllers: [BadOptions] }), (error) => {
      assert.ok(error instanceof InvalidConfigError);
      assert.match(error.message, /BadOptions\.bad option maxConnections/);
      return true;
    });
  });

  test('a route registered at run time joins the table with its source and validated options', async () => {
    const moduleRef = await compile({});
    const manager = moduleRef.get(StreamingManager);
    manager.webSocket('runtime/:id', () => undefined);
    const match = moduleRef.get(RouteTable).match('websocket', '/runtime/7');
    assert.equal(match?.route.source, 'StreamingManager.websocket(/runtime/:id)');
    assert.throws(
      () => manager.sse('/broken', () => undefined, { historySize: 1.5 }),
      InvalidConfigError,
    );
    assert.throws(() => manager.webSocket('/runtime/:id', () => undefined), InvalidRouteError);
    await moduleRef.close();
  });
});
