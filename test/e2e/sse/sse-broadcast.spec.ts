import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { NEVER } from 'rxjs';
import {
  exceptConnection,
  inRoom,
  onRoute,
  protocol,
} from '../../../src/registry/connection-filters.js';
import { StreamEvent } from '../../../src/connection/stream-event.js';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import type { SseContext } from '../../../src/interfaces/connection.interface.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { SseTestRequest } from '../../../src/testing/sse-test-request.js';
import { waitFor } from '../../support/wait-for.js';
import { PLATFORMS, baseUrl } from './sse-test-support.js';

@Controller()
class RoomsController {
  @SseRoute('rooms/:room')
  room(ctx: SseContext) {
    ctx.join(String(ctx.get('room')));
    ctx.set('name', ctx.request.query.name ?? '');
    return NEVER;
  }
}

/**
 * Reads a chunked HTTP/1.1 response on a raw socket and returns its body chunks as they came,
 * each as one string (the framing the server produced, which an EventSource hides), with the
 * number of the socket read each chunk completed in (chunks of one server write share a read).
 */
function rawChunkedStream(
  port: number,
  path: string,
): { chunks: string[]; reads: number[]; close(): void } {
  const socket = connect(port, '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
  const chunks: string[] = [];
  const reads: number[] = [];
  let read = 0;
  let buffered = '';
  let headersDone = false;
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => {
    read += 1;
    buffered += data;
    if (!headersDone) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      assert.match(buffered.slice(0, end), /transfer-encoding: chunked/i);
      buffered = buffered.slice(end + 4);
      headersDone = true;
    }
    for (;;) {
      const line = buffered.indexOf('\r\n');
      if (line < 0) return;
      const size = parseInt(buffered.slice(0, line), 16);
      if (buffered.length < line + 2 + size + 2) return;
      chunks.push(buffered.slice(line + 2, line + 2 + size));
      reads.push(read);
      buffered = buffered.slice(line + 2 + size + 2);
    }
  });
  return { chunks, reads, close: () => socket.destroy() };
}

for (const platform of PLATFORMS) {
  describe(`SSE broadcast (${platform})`, () => {
    test('broadcasts and room filters reach the right SSE clients only', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [RoomsController] });
      const url = baseUrl(app);
      const a1 = new SseTestRequest(url, '/rooms/a?name=a1');
      const a2 = new SseTestRequest(url, '/rooms/a?name=a2');
      const b1 = new SseTestRequest(url, '/rooms/b?name=b1');
      try {
        await Promise.all([a1.expectStatus(200), a2.expectStatus(200), b1.expectStatus(200)]);
        await waitFor(() => app.manager.getStats().byProtocol.sse === 3, 'three streams');
        const result = await app.manager.to('a').broadcast(new StreamEvent('room', { to: 'a' }));
        assert.equal(result.delivered, 2);
        await app.manager.broadcast(new StreamEvent('ws-only', 'x'), protocol('websocket'));
        const [a2conn] = app.manager.connections(inRoom('a')).filter((c) => c.get('name') === 'a2');
        await app.manager.broadcast(new StreamEvent('all', 'but-a2'), exceptConnection(a2conn.id));
        await app.manager.broadcast('plain', onRoute('/rooms/:room'), inRoom('b'));

        await a1.expectEvent('room', { to: 'a' }).expectEvent('all', 'but-a2');
        await a2.expectEvent('room', { to: 'a' });
        await b1.expectEvent('all', 'but-a2').expectEvent('message', 'plain');
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(
          a1.received.map((e) => e.event),
          ['room', 'all'],
        );
        assert.deepEqual(
          a2.received.map((e) => e.event),
          ['room'],
        );
        assert.deepEqual(
          b1.received.map((e) => e.event),
          ['all', 'message'],
        );
        // The same broadcast carries the same id to every recipient on the route.
        assert.equal(a1.received[0].id, a2.received[0].id);
      } finally {
        await Promise.all([a1.close(), a2.close(), b1.close()]);
        await app.close();
      }
    });

    test('the events of one tick leave in one socket write, one HTTP chunk each, in order', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [RoomsController] });
      const { port } = app.app.getHttpServer().address() as AddressInfo;
      const stream = rawChunkedStream(port, '/rooms/tick');
      try {
        await waitFor(() => stream.chunks.some((c) => c.startsWith('retry:')), 'the retry line');
        await waitFor(() => app.manager.getStats().byProtocol.sse === 1, 'a stream');
        const before = stream.chunks.length;
        await Promise.all(
          ['one', 'two', 'three'].map((name) => app.manager.broadcast(new StreamEvent(name, 1))),
        );
        await waitFor(() => stream.chunks.join('').includes('event: three'), 'three events');
        const written = stream.chunks.slice(before);
        assert.equal(written.length, 3, `three chunks, got ${JSON.stringify(written)}`);
        assert.match(written[0], /^id: .*\nevent: one\n/);
        assert.match(written[1], /^id: .*\nevent: two\n/);
        assert.match(written[2], /^id: .*\nevent: three\n/);
        const reads = stream.reads.slice(before);
        assert.equal(new Set(reads).size, 1, `one socket read, got reads ${reads.join(',')}`);
        // A lone event of a later tick is a write of its own.
        await app.manager.broadcast(new StreamEvent('four', 1));
        await waitFor(() => stream.chunks.join('').includes('event: four'), 'the fourth event');
        assert.equal(stream.chunks.length, before + 4);
        assert.ok(stream.reads[before + 3] > reads[0], 'the later event came in a later read');
      } finally {
        stream.close();
        await app.close();
      }
    });

    test('a message sent to one SSE connection arrives as an event with an id', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [RoomsController] });
      const client = new SseTestRequest(baseUrl(app), '/rooms/c');
      try {
        await client.expectStatus(200);
        await waitFor(() => app.manager.getStats().byProtocol.sse === 1, 'a stream');
        const [conn] = app.manager.connections(inRoom('c'));
        assert.equal(await app.manager.sendTo(conn.id, new StreamEvent('direct', { ok: 1 })), true);
        await conn.send('via-send');
        const [direct, viaSend] = await client.collect(2);
        assert.deepEqual([direct.event, JSON.parse(direct.data)], ['direct', { ok: 1 }]);
        assert.deepEqual([viaSend.event, viaSend.data], ['message', 'via-send']);
        assert.ok(direct.id !== undefined && viaSend.id !== undefined);
      } finally {
        await client.close();
        await app.close();
      }
    });
  });
}
