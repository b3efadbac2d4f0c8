import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { interval, of, take } from 'rxjs';
import { resolveStreamingConfig } from '../../../src/config/resolve-config.js';
import { CloseCode } from '../../../src/errors/close-codes.js';
import { ConnectionClosedError } from '../../../src/errors/connection-closed.error.js';
import { InvalidStateError } from '../../../src/errors/invalid-state.error.js';
import { ConnectionRunner } from '../../../src/handshake/connection-runner.service.js';
import type { RouteDefinition } from '../../../src/handshake/route-definition.js';
import type { StreamingMiddleware } from '../../../src/interfaces/streaming-middleware.interface.js';
import { ConnectionRegistry } from '../../../src/registry/connection-registry.service.js';
import { StreamingStatsCollector } from '../../../src/stats/streaming-stats-collector.service.js';
import { MemoryConnection } from '../../support/memory-connection.js';

function setup(global: StreamingMiddleware[] = [], perRoute?: StreamingMiddleware[]) {
  const stats = new StreamingStatsCollector();
  const registry = new ConnectionRegistry(stats);
  const runner = new ConnectionRunner(registry, resolveStreamingConfig({ middleware: global }));
  const route: RouteDefinition = {
    protocol: 'websocket',
    path: '/r',
    options: perRoute ? { middleware: perRoute } : {},
    source: 'Test.route',
    invoke: () => Promise.resolve(),
  };
  return { runner, registry, route, stats, conn: new MemoryConnection({ route: '/r', stats }) };
}

describe('ConnectionRunner', () => {
  test('registers the connection and closes it with 1000 when the handler returns', async () => {
    const { runner, registry, route, conn, stats } = setup();
    await runner.run(conn, route, () => {
      assert.equal(registry.get(conn.id), conn, 'registered before the handler runs');
    });
    assert.equal((await conn.closed).code, CloseCode.Normal);
    assert.equal(registry.get(conn.id), undefined, 'gone from the registry once closed');
    assert.deepEqual([stats.connectionsOpened, stats.connectionsClosed], [1, 1]);
  });

  test('a handler that keeps the connection open leaves it open', async () => {
    const { runner, route, conn } = setup();
    await runner.run(conn, route, (c) => c.keepOpen(), false);
    assert.equal(conn.isClosed, false);
    conn.close(4001, 'done');
    assert.equal((await conn.closed).code, 4001);
  });

  test('middleware runs outermost first, global before the route’s own, around the handler', async () => {
    const order: string[] = [];
    const mark =
      (name: string): StreamingMiddleware =>
      async (_conn, next) => {
        order.push(`${name}>`);
        await next();
        order.push(`<${name}`);
      };
    const { runner, route, conn } = setup([mark('global')], [mark('route')]);
    await runner.run(conn, route, () => {
      order.push('handler');
    });
    assert.deepEqual(order, ['global>', 'route>', 'handler', '<route', '<global']);
  });

  test('a middleware calling next() twice fails with InvalidStateError', async () => {
    const twice: StreamingMiddleware = async (_conn, next) => {
      await next();
      await next();
    };
    const { runner, route, conn } = setup([twice]);
    await assert.rejects(
      runner.run(conn, route, () => undefined),
      (error) => error instanceof InvalidStateError,
    );
  });

  test('a middleware that does not call next() refuses the handler', async () => {
    let handled = false;
    const { runner, route, conn } = setup([(c) => Promise.resolve(c.close(4003, 'no'))]);
    await runner.run(conn, route, () => {
      handled = true;
    });
    assert.equal(handled, false);
    assert.equal((await conn.closed).code, 4003);
  });

  test('every value of a returned Observable is sent; completion closes the connection', async () => {
    const { runner, route, conn } = setup();
    await runner.run(conn, route, () => interval(1).pipe(take(3)));
    assert.deepEqual(conn.written, ['0', '1', '2']);
    assert.equal((await conn.closed).code, CloseCode.Normal);
  });

  test('a closed connection ending the handler is a normal end; other errors reach the filters', async () => {
    const quiet = setup();
    await quiet.runner.run(quiet.conn, quiet.route, (c) => {
      c.close(1001, 'gone');
      throw new ConnectionClosedError({ code: 1001, reason: 'gone', byServer: false });
    });
    const failing = setup();
    await assert.rejects(
      failing.runner.run(failing.conn, failing.route, () =>
        of(1).pipe(() => {
          throw new TypeError('broken');
        }),
      ),
      /broken/,
    );
    await assert.rejects(
      failing.runner.run(new MemoryConnection(), failing.route, () =>
        Promise.reject(new RangeError('bad')),
      ),
      RangeError,
    );
  });

  test('with untilClosed the run settles only when the connection has ended', async () => {
    const { runner, route, conn } = setup();
    let settled = false;
    const run = runner.run(conn, route, (c) => c.keepOpen(), true).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'still open: the run (seen by interceptors) goes on');
    conn.close();
    await run;
    assert.equal(settled, true);
  });
});
