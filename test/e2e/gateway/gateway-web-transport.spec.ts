import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Packr } from 'msgpackr';
import {
  Conn,
  MessageBody,
  OnConnect,
  OnMessage,
  Param,
  StreamingGateway,
  StreamingManager,
  type GatewayConnection,
} from '../../../src/index.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from '../web-transport/web-transport-fixture.js';
import { waitFor } from '../../support/wait-for.js';
import { GatewayTestClient } from './gateway-client.js';

const packr = new Packr({ useRecords: false, moreTypes: false });
const text = new TextDecoder();

@StreamingGateway('/live/:room', { protocols: ['websocket', 'webtransport'] })
class LiveGateway {
  @OnConnect()
  joined(@Conn() conn: GatewayConnection, @Param('room') room: string): void {
    conn.join(room);
  }

  @OnMessage('whoami')
  whoami(@Conn() conn: GatewayConnection, @MessageBody('tag') tag: string): unknown {
    return { protocol: conn.protocol, codec: conn.codecName, tag };
  }
}

describe('event gateway over WebTransport', () => {
  let wt: WebTransportTestApp;
  before(async () => {
    wt = await startWebTransportApp(webTransportModule([], {}, [LiveGateway]));
  });
  after(async () => {
    await wt.close();
  });

  it('serves the same handlers on the WebTransport message stream, JSON by default', async () => {
    const client = await wt.connect('/live/lobby');
    await client.sendMessage(JSON.stringify({ event: 'whoami', data: { tag: 'wt' }, id: 1 }));
    assert.deepEqual(JSON.parse(text.decode(await client.receiveMessage())), {
      id: 1,
      data: { protocol: 'webtransport', codec: 'forge.v1.json', tag: 'wt' },
    });
    await client.sendMessage('not an envelope');
    const error = JSON.parse(text.decode(await client.receiveMessage())) as Record<string, unknown>;
    assert.equal(error.event, '$error');
    assert.equal((error.error as Record<string, unknown>).code, 'BAD_MESSAGE');
  });

  it('speaks MessagePack with ?codec=msgpack and receives room events in it', async () => {
    const client = await wt.connect('/live/hall?codec=msgpack');
    await client.sendMessage(packr.pack({ event: 'whoami', data: { tag: 'packed' }, id: 'a' }));
    assert.deepEqual(packr.unpack(await client.receiveMessage()), {
      id: 'a',
      data: { protocol: 'webtransport', codec: 'forge.v1.msgpack', tag: 'packed' },
    });
    const manager = wt.app.get(StreamingManager);
    await manager.to('hall').emit('hall.news', { n: 1 });
    assert.deepEqual(packr.unpack(await client.receiveMessage()), {
      event: 'hall.news',
      data: { n: 1 },
    });
  });

  it('serves the same gateway over WebSocket beside it', async () => {
    const address = wt.app.getHttpServer().address() as { port: number };
    const client = await GatewayTestClient.open(`ws://127.0.0.1:${address.port}/live/lobby`);
    try {
      assert.deepEqual(await client.request('whoami', { tag: 'ws' }), {
        id: 1,
        data: { protocol: 'websocket', codec: 'forge.v1.json', tag: 'ws' },
      });
      await waitFor(
        () => wt.app.get(StreamingManager).connections().length >= 2,
        'both connections to register',
      );
    } finally {
      client.close();
    }
  });
});
