import 'reflect-metadata';
import { Controller, UseGuards, type CanActivate } from '@nestjs/common';
import http from 'node:http';
import WebSocket from 'ws';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import {
  SseRoute,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { rawHttp } from '../../support/raw-websocket.js';

// Also covered: CR, LF or NUL in an SSE `event` or `id` is refused and nothing is written
// (test/e2e/sse/sse-protocol.spec.ts, "CR, LF or NUL in event or id").

/** A value an attacker controls, trying to add SSE fields and an event of its own. */
const FORGED = 'x\r\nevent: admin\r\nid: 999\r\ndata: {"role":"admin"}\r\n\r\ndata: y\rdata: z\n';

class Refuse implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller()
class InjectionController {
  /** Echoes the `:room` param (attacker-controlled) as SSE data and as a JSON field. */
  @SseRoute('feed/:room')
  async feed(ctx: SseContext): Promise<void> {
    const room = String(ctx.get('room'));
    await ctx.writeSSE('echo', room);
    await ctx.writeSSE('json', { room });
    await ctx.writeSSE('raw', FORGED);
  }

  @WebSocketRoute('ws/:room')
  room(conn: WebSocketConnection): Promise<void> {
    return conn.sendJSON({ room: conn.get('room') });
  }

  @WebSocketRoute('refused/:room')
  @UseGuards(Refuse)
  refused(): void {}
}

/** Reads the SSE stream of `path` to its end; returns the parsed events. */
function readEvents(port: number, path: string): Promise<EventSourceMessage[]> {
  return new Promise((resolve, reject) => {
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    http
      .get({ host: '127.0.0.1', port, path }, (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => parser.feed(chunk));
        response.on('end', () => resolve(events));
      })
      .on('error', reject);
  });
}

describe('injection', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({ controllers: [InjectionController] });
  });
  after(async () => {
    await app.close();
  });

  test('CR/LF in SSE data (a handler value or a path param) never adds a field or an event', async () => {
    const room = encodeURIComponent('lobby\r\nevent: admin\r\nid: 1');
    const events = await readEvents(app.port, `/feed/${room}`);
    assert.deepEqual(
      events.map((e) => e.event),
      ['echo', 'json', 'raw'],
      'an injected event appeared',
    );
    assert.ok(
      events.every((e) => e.id !== '999' && e.id !== '1'),
      'an injected id was taken',
    );
    assert.equal(events[0].data, 'lobby\nevent: admin\nid: 1', 'the param is data, line by line');
    assert.deepEqual(JSON.parse(events[1].data), { room: 'lobby\r\nevent: admin\r\nid: 1' });
    assert.equal(events[2].data.includes('role'), true, 'the forged text stays inside the data');
  });

  test('CR/LF in a WebSocket path param reaches the handler as data, never as a header', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ws/a%0D%0ASet-Cookie:%20owned=1`);
    const headers = new Promise<http.IncomingHttpHeaders>((resolve) =>
      ws.once('upgrade', (response) => resolve(response.headers)),
    );
    const message = new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
    });
    assert.equal((await headers)['set-cookie'], undefined, 'a header was injected');
    assert.deepEqual(JSON.parse(await message), { room: 'a\r\nSet-Cookie: owned=1' });
    ws.terminate();
  });

  test('a refused upgrade whose path carries CR/LF answers 403 without an injected header', async () => {
    const response = await rawHttp(
      app.port,
      'GET /refused/a%0D%0ASet-Cookie:%20owned=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n' +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    assert.equal(response.status, 403);
    const head = response.text.split('\r\n\r\n')[0];
    assert.doesNotMatch(head, /set-cookie/i, 'a header was injected');
  });
});
