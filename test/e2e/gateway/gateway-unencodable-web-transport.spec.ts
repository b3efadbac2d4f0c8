import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Packr } from 'msgpackr';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from '../web-transport/web-transport-fixture.js';
import { UnencodableGateway } from './unencodable-fixtures.js';

const packr = new Packr({ useRecords: false, moreTypes: false });
const text = new TextDecoder();
const INTERNAL = { status: 500, code: 'INTERNAL', message: 'Internal server error' };

describe('event gateway over WebTransport: values the codec cannot encode', () => {
  let wt: WebTransportTestApp;
  before(async () => {
    wt = await startWebTransportApp(webTransportModule([], {}, [UnencodableGateway]));
  });
  after(async () => {
    await wt.close();
  });

  it('answers a cyclic reply with INTERNAL in JSON and the session stays usable', async () => {
    const client = await wt.connect('/unencodable/wt-json');
    const request = async (envelope: Record<string, unknown>) => {
      await client.sendMessage(JSON.stringify(envelope));
      return JSON.parse(text.decode(await client.receiveMessage())) as unknown;
    };
    assert.deepEqual(await request({ event: 'cyclic', id: 1 }), { id: 1, error: INTERNAL });
    assert.deepEqual(await request({ event: 'stream', id: 2 }), { id: 2, error: INTERNAL });
    assert.deepEqual(await request({ event: 'echo', data: 'open', id: 3 }), {
      id: 3,
      data: 'open',
    });
  });

  it('answers a BigInt reply with INTERNAL in MessagePack and the session stays usable', async () => {
    const client = await wt.connect('/unencodable/wt-packed?codec=msgpack');
    const request = async (envelope: Record<string, unknown>) => {
      await client.sendMessage(packr.pack(envelope));
      return packr.unpack(await client.receiveMessage()) as unknown;
    };
    assert.deepEqual(await request({ event: 'bigint', id: 'a' }), { id: 'a', error: INTERNAL });
    assert.deepEqual(await request({ event: 'echo', data: 'open', id: 'b' }), {
      id: 'b',
      data: 'open',
    });
  });
});
