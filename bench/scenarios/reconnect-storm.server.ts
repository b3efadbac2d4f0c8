/**
 * The server process of the reconnect-storm scenario: `node reconnect-storm.server.js forge` (an
 * event gateway whose room keeps in-memory history) or `socket.io` (Socket.IO 4 with
 * `connectionStateRecovery`). Every connection joins room `storm`. Obeys the commands of
 * `reconnect-storm-protocol.ts` over IPC.
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Server } from 'socket.io';
import { ForgeStreamingModule } from '../../src/streaming.module.js';
import { StreamingManager } from '../../src/manager/streaming-manager.service.js';
import { StreamingGateway } from '../../src/decorators/streaming-gateway.decorator.js';
import { OnConnect } from '../../src/decorators/on-connection.decorator.js';
import { Conn } from '../../src/decorators/gateway-params.decorator.js';
import type { GatewayConnection } from '../../src/interfaces/gateway-connection.interface.js';
import { portOf } from '../server/bench-server.js';
import {
  STORM_EVENT,
  STORM_PATH,
  STORM_ROOM,
  type StormCommand,
  type StormReply,
} from './reconnect-storm-protocol.js';

/** What the scenario drives on either server. */
interface StormServer {
  readonly port: number;
  members(): number;
  publish(text: string): Promise<void>;
  /** Closes every connection from the server side, as a network drop would. */
  dropAll(): number;
  close(): Promise<void>;
}

/** Times (performance.now) of every accepted connection. */
const handshakes: number[] = [];

@StreamingGateway(STORM_PATH)
class StormGateway {
  @OnConnect()
  joined(@Conn() conn: GatewayConnection): void {
    handshakes.push(performance.now());
    conn.join(STORM_ROOM);
  }
}

@Module({
  imports: [
    ForgeStreamingModule.forRoot({
      websocket: { maxConnections: 50_000, pingPeriod: 120_000 },
      rooms: { history: { [STORM_ROOM]: { size: 1_000, ttlMs: 0 } } },
    }),
  ],
  providers: [StormGateway],
})
class StormModule {}

async function startForge(): Promise<StormServer> {
  const app: INestApplication = await NestFactory.create(StormModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const manager = app.get(StreamingManager);
  return {
    port: portOf(app.getHttpServer()),
    members: () => manager.connections().filter((conn) => conn.rooms.has(STORM_ROOM)).length,
    publish: async (text) => {
      await manager.to(STORM_ROOM).emit(STORM_EVENT, { text });
    },
    dropAll: () => {
      const all = manager.connections();
      for (const conn of all) conn.close(1012, 'restart');
      return all.length;
    },
    close: () => app.close(),
  };
}

async function startSocketIo(): Promise<StormServer> {
  const http = createServer();
  const io = new Server(http, {
    transports: ['websocket'],
    serveClient: false,
    perMessageDeflate: false,
    connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: true },
  });
  io.on('connection', (socket) => {
    handshakes.push(performance.now());
    if (!socket.recovered) void socket.join(STORM_ROOM);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(http),
    members: () => io.of('/').adapter.rooms.get(STORM_ROOM)?.size ?? 0,
    publish: (text) => {
      io.to(STORM_ROOM).emit(STORM_EVENT, { text });
      return Promise.resolve();
    },
    dropAll: () => {
      const all = [...io.of('/').sockets.values()];
      // The engine's close: a "forced close", which Socket.IO's recovery treats as a drop.
      for (const socket of all) socket.conn.close();
      return all.length;
    },
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

function reply(message: StormReply): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  const server = kind === 'socket.io' ? await startSocketIo() : await startForge();
  let droppedAt = 0;
  process.on('message', (command: StormCommand) => {
    void (async () => {
      switch (command.cmd) {
        case 'members':
          reply({ type: 'members', id: command.id, count: server.members() });
          break;
        case 'publish':
          await server.publish(command.text);
          reply({ type: 'done', id: command.id });
          break;
        case 'drop': {
          droppedAt = performance.now();
          const dropped = server.dropAll();
          // Published right after the drop: every client has missed these.
          for (let i = 0; i < command.missed; i += 1) await server.publish(`missed-${i}`);
          reply({ type: 'dropped', id: command.id, dropped });
          break;
        }
        case 'usage': {
          const cpu = process.cpuUsage();
          reply({ type: 'usage', id: command.id, cpuMicros: cpu.user + cpu.system });
          break;
        }
        case 'handshakes':
          reply({
            type: 'handshakes',
            id: command.id,
            sinceDropMs: handshakes.filter((t) => t >= droppedAt).map((t) => t - droppedAt),
          });
          break;
        case 'stop':
          await server.close().catch(() => undefined);
          process.exit(0);
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready', port: server.port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
