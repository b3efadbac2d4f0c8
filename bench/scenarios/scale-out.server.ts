/**
 * The server of the scale-out scenario: `node scale-out.server.js <backend> <workers>`. The
 * primary forks `workers` instances with `node:cluster`; all listen on one shared port (the
 * primary hands each new connection to one of them) and scale out through the backend (Redis,
 * Redis Cluster or NATS, from `REDIS_URL`, `REDIS_CLUSTER_NODES`, `NATS_URL`). Each instance
 * serves `/scale`: it greets `{ instance }`, joins the room named by the client's first message
 * and answers `{ joined }`. The primary relays the commands of `scale-out-protocol.ts` from its
 * parent (over IPC) to the instance they name, and stops every instance when the parent goes.
 */
import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { Controller, Inject, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ForgeStreamingModule } from '../../src/streaming.module.js';
import { StreamingManager } from '../../src/manager/streaming-manager.service.js';
import { WebSocketRoute } from '../../src/decorators/web-socket-route.decorator.js';
import type { WebSocketConnection } from '../../src/interfaces/connection.interface.js';
import type { StreamingAdapter } from '../../src/interfaces/streaming-adapter.interface.js';
import { RedisStreamingAdapter } from '../../src/adapters/redis/redis-streaming.adapter.js';
import { NatsStreamingAdapter } from '../../src/adapters/nats/nats-streaming.adapter.js';
import { portOf } from '../server/bench-server.js';
import {
  SCALE_OUT_PATH,
  type ScaleOutBackend,
  type ScaleOutCommand,
  type ScaleOutReply,
} from './scale-out-protocol.js';

const INSTANCE = Number(process.env.SCALE_INSTANCE ?? 0);

@Controller()
class ScaleController {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  @WebSocketRoute(SCALE_OUT_PATH)
  async room(conn: WebSocketConnection): Promise<void> {
    await conn.sendJSON({ instance: INSTANCE });
    for await (const message of conn) {
      const room = String(message.data);
      conn.join(room);
      await conn.sendJSON({ joined: room });
    }
  }
}

/** The adapter of `backend`, configured from the environment. */
function adapterFor(backend: ScaleOutBackend, prefix: string): StreamingAdapter {
  if (backend === 'nats') {
    return new NatsStreamingAdapter({ servers: process.env.NATS_URL, prefix });
  }
  if (backend === 'redis-cluster') {
    const nodes = (process.env.REDIS_CLUSTER_NODES ?? '').split(',').map((node) => {
      const [host, port] = node.trim().split(':');
      return { host, port: Number(port) };
    });
    return new RedisStreamingAdapter({ cluster: { nodes }, keyPrefix: `${prefix}:` });
  }
  return new RedisStreamingAdapter({ url: process.env.REDIS_URL, keyPrefix: `${prefix}:` });
}

async function startInstance(backend: ScaleOutBackend): Promise<void> {
  const adapter = adapterFor(backend, process.env.SCALE_PREFIX ?? 'scale-out');
  @Module({
    imports: [
      ForgeStreamingModule.forRoot({
        adapter,
        websocket: { maxConnections: 50_000, pingPeriod: 120_000 },
      }),
    ],
    controllers: [ScaleController],
  })
  class ScaleOutModule {}
  const app: INestApplication = await NestFactory.create(ScaleOutModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const manager = app.get(StreamingManager);
  const send = (reply: ScaleOutReply) => process.send?.(reply);
  process.on('message', (command: ScaleOutCommand) => {
    void (async () => {
      if (command.cmd === 'publish') {
        await Promise.all(
          command.rooms.map((room) => manager.to(room).broadcast({ seq: command.seq, room })),
        );
        send({ type: 'published', id: command.id });
        return;
      }
      const cpu = process.cpuUsage();
      const counters = adapter.channelCounters?.();
      send({
        type: 'stats',
        id: command.id,
        cpuMicros: cpu.user + cpu.system,
        decodedRoom: counters?.decoded.room ?? 0,
        decodedGlobal: counters?.decoded.global ?? 0,
        subscribedRooms: counters?.subscribedRooms ?? 0,
        connections: manager.connections().length,
      });
    })().catch((error: unknown) => console.error(error));
  });
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3_000).unref();
  });
  send({ type: 'ready', port: portOf(app.getHttpServer()), workers: 1 });
}

function startPrimary(backend: ScaleOutBackend, count: number): void {
  const workers: Worker[] = [];
  let port = 0;
  let ready = 0;
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    for (const worker of workers) worker.process.kill('SIGKILL');
  };
  cluster.setupPrimary({ stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  for (let i = 0; i < count; i += 1) {
    const worker = cluster.fork({ SCALE_INSTANCE: String(i), SCALE_BACKEND: backend });
    workers.push(worker);
    worker.on('message', (reply: ScaleOutReply) => {
      if (reply.type === 'ready') {
        port = reply.port;
        ready += 1;
        if (ready === count) process.send?.({ type: 'ready', port, workers: count });
        return;
      }
      process.send?.(reply);
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      process.send?.({ type: 'failed', error: `instance ${i} exited (${code ?? signal})` });
      stopAll();
      process.exit(1);
    });
  }
  process.on('message', (command: ScaleOutCommand) => {
    const worker = workers[command.worker];
    if (worker) worker.send(command);
  });
  process.on('disconnect', () => {
    stopAll();
    process.exit(0);
  });
  process.on('SIGTERM', () => {
    stopAll();
    process.exit(0);
  });
}

const backend = (process.env.SCALE_BACKEND ?? process.argv[2]) as ScaleOutBackend;
if (cluster.isPrimary) {
  startPrimary(backend, Math.max(1, Number(process.argv[3] ?? 1)));
} else {
  startInstance(backend).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
