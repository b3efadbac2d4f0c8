import 'reflect-metadata';
import {
  Controller,
  HttpException,
  Inject,
  Injectable,
  Module,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import WebSocket from 'ws';
import {
  ForgeStreamingModule,
  MessageType,
  WebSocketRoute,
  type StreamingConfig,
  type WebSocketConnection,
} from '../../../src/index.js';
import type {
  EnvelopeChannel,
  ReservedEventsHandler,
  RoomEventStamper,
} from '../../../src/interfaces/gateway-protocol.interface.js';
import {
  STREAMING_RESERVED_EVENTS_HANDLER,
  STREAMING_ROOM_EVENT_STAMPER,
} from '../../../src/streaming.constants.js';
import { jsonEnvelopeCodec, type EnvelopeCodec } from '../../../src/wire/envelope-codec.js';
import { isEventEnvelope, type Envelope, type EventEnvelope } from '../../../src/wire/envelope.js';
import { isAfterOffset } from '../../../src/wire/room-offset.js';
import { InMemoryStreamingAdapter } from '../../../src/adapters/in-memory/in-memory-streaming.adapter.js';
import { InMemoryRoomHistoryStore } from '../../../src/adapters/in-memory/in-memory-room-history.store.js';
import type { RoomHistoryStore } from '../../../src/interfaces/streaming-adapter.interface.js';

/**
 * A minimal envelope channel over a real WebSocket connection, as an event gateway builds one:
 * live room events go through {@link deliverLive}, which respects holds.
 */
export class FixtureChannel implements EnvelopeChannel {
  readonly codec: EnvelopeCodec = jsonEnvelopeCodec;
  private readonly held = new Map<string, EventEnvelope[]>();

  constructor(readonly connection: WebSocketConnection) {}

  send(envelope: Envelope): void {
    void this.connection
      .writeMessage(MessageType.Text, this.codec.encode(envelope) as string)
      .catch(() => undefined);
  }

  /** A live event of a room this connection is in. */
  deliverLive(envelope: EventEnvelope): void {
    const held = envelope.room === undefined ? undefined : this.held.get(envelope.room);
    if (held) held.push(envelope);
    else this.send(envelope);
  }

  hold(room: string): void {
    if (!this.held.has(room)) this.held.set(room, []);
  }

  release(room: string, afterOffset: string | undefined): void {
    const held = this.held.get(room) ?? [];
    this.held.delete(room);
    for (const envelope of held)
      if (isAfterOffset(envelope.offset, afterOffset)) this.send(envelope);
  }
}

/** Live delivery of room events to the fixture's channels, stamped first (as `to(room).emit`). */
@Injectable()
export class FixtureRooms {
  readonly channels = new Set<FixtureChannel>();

  constructor(@Inject(STREAMING_ROOM_EVENT_STAMPER) private readonly stamper: RoomEventStamper) {}

  async emit(room: string, event: string, data: unknown): Promise<string | undefined> {
    const stamp = await this.stamper.stamp(room, event, data);
    const offset = typeof stamp === 'object' ? stamp.offset : stamp;
    const envelope: EventEnvelope =
      offset === undefined ? { event, data } : { event, data, room, offset };
    for (const channel of this.channels) {
      if (channel.connection.rooms.has(room)) channel.deliverLive(envelope);
    }
    return offset;
  }
}

/**
 * `/rooms?join=a,b`: opens the channel (the reserved-events handler's `onOpen` runs first, as
 * the gateway does), then joins the rooms listed in `join` after `joinDelay` ms, then answers
 * `$`-events through the handler and `publish {room, text}` by emitting `chat.message`.
 */
@Controller()
class RoomsController {
  constructor(
    @Inject(STREAMING_RESERVED_EVENTS_HANDLER) private readonly reserved: ReservedEventsHandler,
    @Inject(FixtureRooms) private readonly rooms: FixtureRooms,
  ) {}

  @WebSocketRoute('rooms', { subprotocols: ['forge.v1.json'] })
  async open(conn: WebSocketConnection): Promise<void> {
    const channel = new FixtureChannel(conn);
    this.rooms.channels.add(channel);
    void conn.closed.then(() => this.rooms.channels.delete(channel));
    await this.reserved.onOpen?.(channel);
    const delay = Number(conn.request.query.joinDelay ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    for (const room of (conn.request.query.join ?? '').split(',').filter(Boolean)) conn.join(room);
    for await (const message of conn) {
      const envelope = channel.codec.decode(message.data as string);
      if (!envelope || !isEventEnvelope(envelope)) continue;
      if (envelope.event === 'publish') {
        const { room, text } = envelope.data as { room: string; text: string };
        const offset = await this.rooms.emit(room, 'chat.message', { text });
        if (envelope.id !== undefined) channel.send({ id: envelope.id, data: { offset } });
        continue;
      }
      await this.answerReserved(channel, envelope);
    }
  }

  private async answerReserved(channel: FixtureChannel, envelope: EventEnvelope): Promise<void> {
    try {
      const data = await this.reserved.handle(channel, envelope);
      if (envelope.id !== undefined) channel.send({ id: envelope.id, data });
    } catch (error) {
      if (envelope.id === undefined) return;
      const body =
        error instanceof HttpException ? (error.getResponse() as Record<string, unknown>) : {};
      channel.send({
        id: envelope.id,
        error: {
          status: error instanceof HttpException ? error.getStatus() : 500,
          code: String(body.code ?? 'INTERNAL'),
          message: String(body.message ?? 'error'),
        },
      });
    }
  }
}

/** One app instance with the fixture route. */
export interface RecoveryApp {
  readonly app: INestApplication;
  readonly rooms: FixtureRooms;
  readonly port: number;
}

/** Starts an app with the fixture route and the given module config. */
export async function startRecoveryApp(config: StreamingConfig): Promise<RecoveryApp> {
  @Module({
    imports: [ForgeStreamingModule.forRoot(config)],
    controllers: [RoomsController],
    providers: [FixtureRooms],
  })
  class RecoveryAppModule {}
  const app = await NestFactory.create(RecoveryAppModule, {
    logger: process.env.FIXTURE_LOG ? undefined : false,
  });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  return { app, rooms: app.get(FixtureRooms), port };
}

/** A WebSocket client that records every envelope it receives. */
export class EnvelopeClient {
  readonly received: Record<string, unknown>[] = [];
  private readonly waiters = new Set<() => void>();
  closed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const waiter of [...this.waiters]) waiter();
    });
    ws.on('close', () => (this.closed = true));
  }

  /** Connects to `/rooms` with the query and waits for the upgrade. */
  static async connect(port: number, query: string): Promise<EnvelopeClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rooms?${query}`);
    // listening from the start: messages may come in the same read as the upgrade
    const client = new EnvelopeClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(envelope: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(envelope));
  }

  /** Events named `event` received so far. */
  events(event: string): Record<string, unknown>[] {
    return this.received.filter((envelope) => envelope.event === event);
  }

  /** Resolves with the first received envelope matching `predicate` (waiting for it). */
  next(
    predicate: (envelope: Record<string, unknown>) => boolean,
    timeoutMs = 5_000,
  ): Promise<Record<string, unknown>> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no matching envelope in ${timeoutMs} ms; got ${JSON.stringify(this.received).slice(0, 500)}`,
          ),
        );
      }, timeoutMs);
      const check = (): void => {
        const match = this.received.find(predicate);
        if (!match) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(match);
      };
      this.waiters.add(check);
    });
  }

  /** Sends a request and resolves with its reply envelope. */
  async request(event: string, data: unknown, id: number): Promise<Record<string, unknown>> {
    this.send({ event, data, id });
    return this.next((envelope) => envelope.id === id && !('event' in envelope));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.close();
    await closed;
  }
}

/**
 * An in-memory adapter whose room history answers `since` after `delayMs`, like a remote store:
 * live events keep coming while a replay is read, which is the race recovery must win.
 */
export class SlowHistoryAdapter extends InMemoryStreamingAdapter {
  override readonly roomHistory: RoomHistoryStore;

  constructor(delayMs: number) {
    super();
    const store = new InMemoryRoomHistoryStore();
    this.roomHistory = {
      append: (room, event, data, limits) => store.append(room, event, data, limits),
      latest: (room) => store.latest(room),
      since: async (room, offset) => {
        const answer = await store.since(room, offset);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return answer;
      },
    };
  }
}
