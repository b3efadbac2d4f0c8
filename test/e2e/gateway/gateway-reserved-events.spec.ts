import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  OnMessage,
  StreamingGateway,
  StreamingManager,
  STREAMING_RESERVED_EVENTS_HANDLER,
  STREAMING_ROOM_EVENT_STAMPER,
  type EnvelopeChannel,
  type EventEnvelope,
  type ReservedEventsHandler,
  type RoomEventStamper,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { waitFor } from '../../support/wait-for.js';
import { GatewayTestClient } from './gateway-client.js';

/** A stand-in recovery: `$recover` holds the room; `$release` replays one event then releases. */
class HoldingHandler implements ReservedEventsHandler {
  readonly opened: string[] = [];
  onOpen(channel: EnvelopeChannel): void {
    this.opened.push(channel.connection.id);
    channel.connection.join('lobby');
  }
  handle(channel: EnvelopeChannel, envelope: EventEnvelope): unknown {
    if (envelope.event === '$recover') {
      channel.hold('lobby');
      return { holding: true };
    }
    if (envelope.event === '$release') {
      channel.send({ event: 'chat.message', data: 'replayed', room: 'lobby', offset: 'e:1' });
      channel.release('lobby', 'e:1');
      return undefined;
    }
    throw new Error('unexpected reserved event');
  }
}

class Stamper implements RoomEventStamper {
  private seq = 0;
  stamp(): Promise<string> {
    return Promise.resolve(`e:${++this.seq}`);
  }
}

const handler = new HoldingHandler();

@StreamingGateway('/ws/held')
class HeldGateway {
  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }
}

describe('event gateway: reserved events and held rooms', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({
      overrides: [
        { provide: STREAMING_RESERVED_EVENTS_HANDLER, useValue: handler },
        { provide: STREAMING_ROOM_EVENT_STAMPER, useClass: Stamper },
      ],
      providers: [HeldGateway],
    });
  });
  after(async () => {
    await app.close();
  });

  it('calls onOpen, routes $-events to the handler and holds live room events until release', async () => {
    const client = await GatewayTestClient.open(`${app.wsUrl}/ws/held`);
    try {
      assert.deepEqual(await client.request('ping'), { id: 1, data: 'pong' });
      assert.equal(handler.opened.length, 1);
      assert.deepEqual(await client.request('$recover', { lobby: 'e:0' }), {
        id: 2,
        data: { holding: true },
      });
      const manager = app.app.get(StreamingManager);
      await manager.to('lobby').emit('chat.message', 'live-1'); // offset e:1, already replayed
      const second = await manager.to('lobby').emit('chat.message', 'live-2');
      assert.equal(second.offset, 'e:2');
      assert.deepEqual(await client.request('ping'), { id: 3, data: 'pong' });
      assert.equal(
        client.received.filter((envelope) => envelope.event === 'chat.message').length,
        0,
        'held events are not sent',
      );
      client.emit('$release');
      await waitFor(
        () => client.received.filter((envelope) => envelope.event === 'chat.message').length === 2,
        'the replay and the released event',
      );
      assert.deepEqual(
        client.received.map((envelope) => [envelope.data, envelope.offset]),
        [
          ['replayed', 'e:1'],
          ['live-2', 'e:2'],
        ],
      );
      const failing = await client.request('$other');
      assert.equal((failing.error as Record<string, unknown>).code, 'INTERNAL');
    } finally {
      client.close();
    }
  });
});
