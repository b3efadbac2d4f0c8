import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConnectionNotFoundError,
  StreamingException,
  WebSocketRoute,
  allOf,
  anyOf,
  exceptConnection,
  forUser,
  inRoom,
  localPredicate,
  not,
  onRoute,
  onlyConnection,
  protocol,
  whereMeta,
  type StreamingConnection,
  type StreamingMiddleware,
  type WebSocketConnection,
} from '../../../src/index.js';
import {
  createStreamingTestApp,
  type StreamingTestApp,
  type WebSocketTestConnection,
} from '../../../src/testing/index.js';
import { waitFor } from '../../support/wait-for.js';

/** Joins the rooms and sets the values named in the query: `?rooms=a,b&user=u1&tier=gold`. */
@Controller()
class MembersController {
  @WebSocketRoute('members')
  member(conn: WebSocketConnection): Promise<void> {
    const { rooms, tier, name } = conn.request.query;
    for (const room of (rooms ?? '').split(',').filter(Boolean)) conn.join(room);
    if (tier) conn.set('tier', tier);
    conn.set('name', name);
    conn.keepOpen();
    return conn.send(`ready:${name}`);
  }
}

interface Member {
  readonly name: string;
  readonly client: WebSocketTestConnection;
  readonly conn: StreamingConnection;
}

async function connectMembers(
  app: StreamingTestApp,
  specs: Record<string, string>,
): Promise<Record<string, Member>> {
  const members: Record<string, Member> = {};
  for (const [name, query] of Object.entries(specs)) {
    const client = app.test().webSocket(`/members?name=${name}&${query}`);
    await client.expectMessage(`ready:${name}`);
    const conn = app.manager.connections(whereMeta('name', name))[0];
    members[name] = { name, client, conn };
  }
  return members;
}

/** Reads one pending message (or none within a short wait) from each member. */
async function receivers(members: Record<string, Member>, marker: string): Promise<string[]> {
  const got: string[] = [];
  await Promise.all(
    Object.values(members).map(async (member) => {
      try {
        const message = await member.client.nextMessage(400);
        if (message.data === marker) got.push(member.name);
      } catch {
        // nothing arrived: not a receiver
      }
    }),
  );
  return got.sort();
}

describe('StreamingManager', () => {
  test('each filter kind, alone and combined, reaches exactly the matching connections', async () => {
    const app = await createStreamingTestApp({ controllers: [MembersController] });
    try {
      const m = await connectMembers(app, {
        ann: 'rooms=red,blue&tier=gold',
        bob: 'rooms=red&tier=silver',
        cid: 'rooms=blue&tier=gold',
        dan: 'rooms=',
      });
      const cases: {
        name: string;
        filters: Parameters<typeof app.manager.broadcast>[1][];
        expected: string[];
      }[] = [
        { name: 'no filter', filters: [], expected: ['ann', 'bob', 'cid', 'dan'] },
        { name: 'room', filters: [inRoom('red')], expected: ['ann', 'bob'] },
        {
          name: 'except',
          filters: [inRoom('red'), exceptConnection(m.ann.conn.id)],
          expected: ['bob'],
        },
        {
          name: 'only',
          filters: [onlyConnection(m.cid.conn.id, m.dan.conn.id)],
          expected: ['cid', 'dan'],
        },
        {
          name: 'protocol',
          filters: [protocol('websocket')],
          expected: ['ann', 'bob', 'cid', 'dan'],
        },
        { name: 'other protocol', filters: [protocol('sse')], expected: [] },
        { name: 'meta', filters: [whereMeta('tier', 'gold')], expected: ['ann', 'cid'] },
        { name: 'route', filters: [onRoute('/members')], expected: ['ann', 'bob', 'cid', 'dan'] },
        {
          name: 'room AND meta',
          filters: [inRoom('blue'), whereMeta('tier', 'gold')],
          expected: ['ann', 'cid'],
        },
        {
          name: 'anyOf',
          filters: [anyOf(inRoom('red'), whereMeta('name', 'dan'))],
          expected: ['ann', 'bob', 'dan'],
        },
        {
          name: 'allOf + not',
          filters: [allOf(inRoom('red'), not(whereMeta('tier', 'gold')))],
          expected: ['bob'],
        },
        {
          name: 'local predicate',
          filters: [localPredicate((c) => String(c.get('name')).startsWith('c'))],
          expected: ['cid'],
        },
        { name: 'unknown user', filters: [forUser('nobody')], expected: [] },
      ];
      for (const { name, filters, expected } of cases) {
        const marker = `msg:${name}`;
        const result = await app.manager.broadcast(marker, ...filters);
        assert.equal(result.delivered, expected.length, `${name}: delivered count`);
        assert.deepEqual(await receivers(m, marker), expected, `${name}: receivers`);
        assert.deepEqual(
          app.manager
            .connections(...filters)
            .map((c) => c.get<string>('name'))
            .sort(),
          expected,
          `${name}: connections()`,
        );
      }
      const toRoom = await app.manager.to('blue').broadcast('to:blue');
      assert.equal(toRoom.delivered, 2);
      assert.deepEqual(await receivers(m, 'to:blue'), ['ann', 'cid']);
      await Promise.all(Object.values(m).map((member) => member.client.close()));
    } finally {
      await app.close();
    }
  });

  test('join, leave and disconnect by id; presence lists room members', async () => {
    const app = await createStreamingTestApp({ controllers: [MembersController] });
    try {
      const m = await connectMembers(app, { ann: 'rooms=', bob: 'rooms=' });
      const events: string[] = [];
      const subscription = app.manager.presence$.subscribe((e) =>
        events.push(`${e.type}:${e.room}`),
      );
      assert.equal(await app.manager.join(m.ann.conn.id, 'green'), true);
      assert.deepEqual(
        (await app.manager.presence('green')).map((p) => p.connectionId),
        [m.ann.conn.id],
      );
      assert.equal((await app.manager.to('green').broadcast('g')).delivered, 1);
      assert.deepEqual(await receivers(m, 'g'), ['ann']);
      assert.equal(await app.manager.leave(m.ann.conn.id, 'green'), true);
      assert.equal((await app.manager.to('green').broadcast('g2')).delivered, 0);
      assert.deepEqual(events, ['join:green', 'leave:green']);
      assert.equal(await app.manager.disconnect(m.bob.conn.id, 4000, 'bye'), true);
      await m.bob.client.expectClose(4000);
      assert.equal(await app.manager.disconnect('missing-id'), false);
      assert.throws(() => app.manager.getConnection('missing-id'), ConnectionNotFoundError);
      assert.equal(app.manager.findConnection('missing-id'), undefined);
      assert.equal(app.manager.getConnection(m.ann.conn.id).id, m.ann.conn.id);
      subscription.unsubscribe();
      await m.ann.client.close();
    } finally {
      await app.close();
    }
  });

  test('a closed connection leaves its rooms and the indexes', async () => {
    const app = await createStreamingTestApp({ controllers: [MembersController] });
    try {
      const m = await connectMembers(app, { ann: 'rooms=red&tier=gold' });
      await m.ann.client.close();
      await waitFor(() => app.manager.connections().length === 0, 'closed');
      assert.equal(app.manager.connections(inRoom('red')).length, 0);
      assert.equal(app.manager.connections(whereMeta('tier', 'gold')).length, 0);
      assert.deepEqual(await app.manager.presence('red'), []);
    } finally {
      await app.close();
    }
  });

  test('a programmatic route behaves like a decorated one: params, guards, close codes', async () => {
    const app = await createStreamingTestApp({});
    try {
      app.manager.webSocket(
        '/runtime/:id',
        async (conn) => {
          await conn.sendJSON({ id: conn.get('id') });
          for await (const message of conn) {
            if (message.data === 'boom') throw new Error('boom');
            await conn.writeMessage(message.type, message.data);
          }
        },
        {
          guards: [
            {
              canActivate: (context) =>
                context.switchToHttp().getRequest<{ query: Record<string, string> }>().query.key ===
                'open-sesame',
            },
          ],
        },
      );
      await app.test().webSocket('/runtime/7').expectRejected(403);
      await app
        .test()
        .webSocket('/runtime/7?key=open-sesame')
        .expectMessage({ id: '7' })
        .send('echo')
        .expectMessage('echo')
        .send('boom')
        .expectClose(1011);
      assert.throws(
        () => app.manager.webSocket('/runtime/:id', () => undefined),
        /Duplicate websocket route/,
      );
    } finally {
      await app.close();
    }
  });

  test('middleware runs outermost first around the handler and can refuse a connection', async () => {
    const order: string[] = [];
    const tag =
      (name: string): StreamingMiddleware =>
      async (conn, next) => {
        order.push(`${name}:before:${conn.protocol}`);
        await next();
        order.push(`${name}:after`);
      };
    const refuseGuests: StreamingMiddleware = async (conn, next) => {
      if (conn.request.query.guest) throw new StreamingException('guests are not allowed', 4003);
      await next();
    };
    const app = await createStreamingTestApp({
      config: { middleware: [tag('global'), refuseGuests] },
    });
    try {
      app.manager.webSocket(
        '/mw',
        async (conn) => {
          order.push('handler');
          await conn.send('hi');
        },
        { middleware: [tag('route')] },
      );
      await app.test().webSocket('/mw').expectMessage('hi').expectClose(1000);
      await waitFor(() => order.length === 5, 'middleware finished');
      assert.deepEqual(order, [
        'global:before:websocket',
        'route:before:websocket',
        'handler',
        'route:after',
        'global:after',
      ]);
      await app.test().webSocket('/mw?guest=1').expectClose(4003);
    } finally {
      await app.close();
    }
  });

  test('getStats reports the figures of a known sequence', async () => {
    const app = await createStreamingTestApp({ controllers: [MembersController] });
    try {
      app.manager.webSocket('/count', async (conn) => {
        for await (const message of conn) await conn.writeMessage(message.type, message.data);
      });
      const a = app.test().webSocket('/count');
      const b = app.test().webSocket('/count');
      await a.send('12345').expectMessage('12345').send('67').expectMessage('67');
      await b.send('abc').expectMessage('abc');
      await app
        .test()
        .webSocket('/count', { headers: { Origin: 'https://elsewhere.example' } })
        .expectRejected(403);
      await app.test().webSocket('/nowhere').expectRejected(404);
      await b.close();
      await waitFor(() => app.manager.getStats().connectionsClosed === 1, 'one closed');
      await app.manager.broadcast('all');
      await a.expectMessage('all');
      const stats = app.manager.getStats();
      assert.equal(stats.connectionsOpened, 2);
      assert.equal(stats.connectionsClosed, 1);
      assert.equal(stats.activeConnections, 1);
      assert.deepEqual(stats.byProtocol, { websocket: 1, sse: 0, webtransport: 0 });
      assert.deepEqual(stats.byRoute, { 'websocket /count': 1 });
      assert.equal(stats.messagesIn, 3);
      assert.equal(stats.bytesIn, 10);
      assert.equal(stats.messagesOut, 4);
      assert.equal(stats.broadcasts, 1);
      assert.equal(stats.rejected.origin, 1);
      assert.equal(stats.rejected['not-found'], 1);
      assert.equal(stats.rejected.total, 2);
      assert.ok(stats.uptimeMs >= 0);
      await a.close();
    } finally {
      await app.close();
    }
  });

  test('graceful shutdown closes every WebSocket with 1001', async () => {
    const app = await createStreamingTestApp({ controllers: [MembersController] });
    const clients = [
      app.test().webSocket('/members?name=a'),
      app.test().webSocket('/members?name=b'),
    ];
    await clients[0].expectMessage('ready:a');
    await clients[1].expectMessage('ready:b');
    await app.close();
    for (const client of clients) await client.expectClose(1001);
  });
});
