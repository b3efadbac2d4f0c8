import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ForgeStreamingModule, WebSocketRoute, type WebSocketConnection } from '../../src/index.js';

@Controller('ws')
class EchoController {
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    await conn.send('Connected to WebSocket');
    for await (const msg of conn) await conn.writeMessage(msg.type, msg.data);
  }
}

@Module({ imports: [ForgeStreamingModule.forRoot()], controllers: [EchoController] })
class AppModule {}

test('smoke echo', async () => {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/echo`);
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (d) => {
      got.push(d.toString());
      if (got.length === 1) ws.send('hi');
      else {
        ws.close();
        resolve();
      }
    });
    ws.on('error', reject);
  });
  assert.deepEqual(got, ['Connected to WebSocket', 'hi']);
  await app.close();
});
