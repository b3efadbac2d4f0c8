import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import assert from 'node:assert/strict';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { NEVER } from 'rxjs';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { waitFor } from '../../support/wait-for.js';
import { PLATFORMS } from './sse-test-support.js';

@Controller()
class ChunkController {
  @SseRoute('events')
  events() {
    return NEVER;
  }

  @SseRoute('roomy', { bufferSize: 8 * 1024 * 1024, historySize: 0 })
  roomy() {
    return NEVER;
  }
}

/** An HTTP/1.1 response read byte by byte from a raw TCP socket, its chunks decoded strictly. */
class RawChunkedResponse {
  private raw = Buffer.alloc(0);
  readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (data: Buffer) => (this.raw = Buffer.concat([this.raw, data])));
  }

  static open(port: number, path: string): Promise<RawChunkedResponse> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
        );
        resolve(new RawChunkedResponse(socket));
      });
      socket.once('error', reject);
    });
  }

  get head(): string {
    const end = this.raw.indexOf('\r\n\r\n');
    return end < 0 ? '' : this.raw.subarray(0, end).toString('latin1');
  }

  /**
   * The chunks received so far. Throws when the bytes are not a well-formed chunked body: a
   * size line that is not hex, or a chunk not followed by CRLF.
   */
  chunks(): { sizes: number[]; body: string; ended: boolean } {
    const start = this.raw.indexOf('\r\n\r\n');
    const sizes: number[] = [];
    const parts: Buffer[] = [];
    let ended = false;
    if (start < 0) return { sizes, body: '', ended };
    let at = start + 4;
    for (;;) {
      const lineEnd = this.raw.indexOf('\r\n', at);
      if (lineEnd < 0) break;
      const line = this.raw.subarray(at, lineEnd).toString('latin1');
      assert.match(line, /^[0-9a-f]+$/, `chunk size line ${JSON.stringify(line)}`);
      const size = Number.parseInt(line, 16);
      if (lineEnd + 2 + size + 2 > this.raw.length) break;
      const data = this.raw.subarray(lineEnd + 2, lineEnd + 2 + size);
      assert.equal(
        this.raw.subarray(lineEnd + 2 + size, lineEnd + 4 + size).toString('latin1'),
        '\r\n',
        'CRLF after the chunk',
      );
      sizes.push(size);
      parts.push(data);
      at = lineEnd + 4 + size;
      if (size === 0) {
        ended = true;
        break;
      }
    }
    return { sizes, body: Buffer.concat(parts).toString('utf8'), ended };
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

for (const platform of PLATFORMS) {
  describe(`SSE chunks on the wire (${platform})`, () => {
    test('events are well-formed HTTP/1.1 chunks, in order, and the stream ends with the last chunk', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ChunkController] });
      const { port } = (app.app.getHttpServer() as Server).address() as AddressInfo;
      const response = await RawChunkedResponse.open(port, '/events');
      let closed = false;
      try {
        await waitFor(() => response.chunks().body.includes('retry:'), 'the retry line');
        assert.match(response.head, /^HTTP\/1\.1 200/);
        assert.match(response.head, /transfer-encoding: chunked/i);
        await app.manager.broadcast('one');
        await nextTurn();
        // Three in one turn: the first at once, the other two joined.
        void app.manager.broadcast('two');
        void app.manager.broadcast('three');
        await app.manager.broadcast('four ünïcode');
        await waitFor(() => response.chunks().body.includes('four'), 'the fourth event');
        const { body } = response.chunks();
        assert.match(
          body,
          /data: one\n\n[^]*data: two\n\n[^]*data: three\n\n[^]*data: four ünïcode\n\n/,
        );
        const closing = app.close();
        closed = true;
        await closing;
        await waitFor(() => response.chunks().ended, 'the last (empty) chunk');
      } finally {
        response.socket.destroy();
        if (!closed) await app.close();
      }
    });

    test('a stream whose reader stalls queues, then receives every event in order once it reads', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ChunkController] });
      const { port } = (app.app.getHttpServer() as Server).address() as AddressInfo;
      const response = await RawChunkedResponse.open(port, '/roomy');
      try {
        await waitFor(() => response.chunks().body.includes('retry:'), 'the retry line');
        response.socket.pause();
        const big = 'y'.repeat(32 * 1024);
        const count = 120;
        for (let i = 0; i < count; i += 1) {
          await app.manager.broadcast(`${i}:${big}`);
          if (i % 10 === 0) await nextTurn();
        }
        const stats = app.manager.getStats();
        assert.equal(stats.droppedMessages, 0);
        response.socket.resume();
        await waitFor(
          () => response.chunks().body.includes(`data: ${count - 1}:`),
          'the last event after the reader resumed',
          10_000,
        );
        const seen = [...response.chunks().body.matchAll(/data: (\d+):y+\n\n/g)].map((m) =>
          Number(m[1]),
        );
        assert.deepEqual(
          seen,
          Array.from({ length: count }, (_, i) => i),
        );
      } finally {
        response.socket.destroy();
        await app.close();
      }
    });
  });
}

describe('SSE chunks through a wrapped response (express)', () => {
  test('a response whose write something wrapped is still written through that write', async () => {
    const app = await createStreamingTestApp({ controllers: [ChunkController] });
    const server = app.app.getHttpServer() as Server;
    let wrappedWrites = 0;
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((...args: unknown[]) => {
        wrappedWrites += 1;
        return write(...args);
      }) as ServerResponse['write'];
    });
    const { port } = server.address() as AddressInfo;
    const response = await RawChunkedResponse.open(port, '/events');
    try {
      await waitFor(() => response.chunks().body.includes('retry:'), 'the retry line');
      const before = wrappedWrites;
      await app.manager.broadcast('through the wrapper');
      await waitFor(() => response.chunks().body.includes('through the wrapper'), 'the event');
      assert.ok(wrappedWrites > before, 'the event went through the wrapped write');
    } finally {
      response.socket.destroy();
      await app.close();
    }
  });
});
