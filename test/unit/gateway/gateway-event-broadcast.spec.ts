import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Packr } from 'msgpackr';
import type { BaseConnection } from '../../../src/connection/base.connection.js';
import { GATEWAY_CODEC_KEY } from '../../../src/gateway/gateway-channel.js';
import { UnencodableMessageError } from '../../../src/errors/unencodable-message.error.js';
import { GatewayEventBroadcast } from '../../../src/gateway/gateway-event-broadcast.js';
import { msgpackEnvelopeCodec } from '../../../src/wire/msgpack-envelope.codec.js';

/** The two things a recipient's form depends on: its protocol and the codec it negotiated. */
function recipient(protocol: string, codec?: string): BaseConnection {
  const values = new Map<string, unknown>(codec ? [[GATEWAY_CODEC_KEY, codec]] : []);
  return { protocol, get: (key: string) => values.get(key) } as unknown as BaseConnection;
}

const envelope = { event: 'chat.message', data: { text: 'hi', n: 2 }, room: 'r', offset: 'e:1' };

/** Counts MessagePack encodings while `run` runs. */
function countingPacks(run: () => void): number {
  const codec = msgpackEnvelopeCodec as { encode: typeof msgpackEnvelopeCodec.encode };
  const original = codec.encode;
  let calls = 0;
  codec.encode = (value) => {
    calls += 1;
    return original(value);
  };
  try {
    run();
  } finally {
    codec.encode = original;
  }
  return calls;
}

describe('GatewayEventBroadcast', () => {
  it('gives each codec its frame, encoded once for all its recipients', () => {
    const broadcast = GatewayEventBroadcast.of(envelope);
    const first = broadcast.variantFor(recipient('websocket', 'forge.v1.json'));
    const second = broadcast.variantFor(recipient('webtransport', 'forge.v1.json'));
    assert.ok(first);
    assert.equal(first, second, 'the same encoded message for every JSON recipient');
    assert.equal(first.binary, false);
    assert.deepEqual(JSON.parse(first.text), envelope);
    const packed = broadcast.variantFor(recipient('websocket', 'forge.v1.msgpack'));
    assert.ok(packed?.binary);
    assert.deepEqual(new Packr({ useRecords: false }).unpack(packed.bytes), envelope);
    const sse = broadcast.variantFor(recipient('sse'));
    assert.equal(sse?.event, 'chat.message');
    assert.deepEqual(JSON.parse(sse.text), envelope.data);
    assert.equal(broadcast.variantFor(recipient('websocket')), undefined, 'raw routes get none');
  });

  it('never encodes MessagePack when no recipient speaks it', () => {
    const packs = countingPacks(() => {
      const broadcast = GatewayEventBroadcast.of(envelope);
      for (let i = 0; i < 3; i += 1) broadcast.variantFor(recipient('websocket', 'forge.v1.json'));
      broadcast.variantFor(recipient('sse'));
      broadcast.toWire();
    });
    assert.equal(packs, 0);
    const once = countingPacks(() => {
      const broadcast = GatewayEventBroadcast.of(envelope);
      for (let i = 0; i < 3; i += 1) {
        broadcast.variantFor(recipient('websocket', 'forge.v1.msgpack'));
      }
    });
    assert.equal(once, 1);
  });

  it('crosses to another instance as one wire message and rebuilds every form there', () => {
    const wire = GatewayEventBroadcast.of(envelope).toWire();
    assert.equal(wire.type, 'envelope');
    const remote = GatewayEventBroadcast.fromWire(JSON.parse(JSON.stringify(wire)));
    assert.ok(remote);
    const json = remote.variantFor(recipient('websocket', 'forge.v1.json'));
    assert.deepEqual(JSON.parse(json?.text ?? ''), envelope);
    const packed = remote.variantFor(recipient('websocket', 'forge.v1.msgpack'));
    assert.deepEqual(
      new Packr({ useRecords: false }).unpack(packed?.bytes ?? Buffer.alloc(0)),
      envelope,
    );
    assert.equal(remote.variantFor(recipient('sse'))?.event, 'chat.message');
  });

  it('refuses wire text that is not an event envelope', () => {
    const sse = { type: 'text', text: '{}' } as const;
    assert.equal(
      GatewayEventBroadcast.fromWire({ type: 'envelope', text: 'not json', sse }),
      undefined,
    );
    assert.equal(
      GatewayEventBroadcast.fromWire({ type: 'envelope', text: '{"id":1,"data":2}', sse }),
      undefined,
    );
  });

  it('throws UnencodableMessageError before any delivery when JSON refuses the data', () => {
    const data: Record<string, unknown> = {};
    data.self = data;
    assert.throws(
      () => GatewayEventBroadcast.of({ event: 'loop', data }),
      (error: unknown) =>
        error instanceof UnencodableMessageError &&
        error.code === 'UNENCODABLE_MESSAGE' &&
        error.message.includes('event "loop"'),
    );
    assert.throws(
      () => GatewayEventBroadcast.of({ event: 'big', data: 1n }),
      UnencodableMessageError,
    );
  });

  it('passes over MessagePack recipients when only MessagePack refuses, and records why', () => {
    const broadcast = GatewayEventBroadcast.of({ event: 'odd', data: { s: Symbol('x'), n: 1 } });
    assert.equal(broadcast.refusal, undefined);
    assert.equal(
      broadcast.variantFor(recipient('websocket', 'forge.v1.json'))?.text,
      '{"event":"odd","data":{"n":1}}',
    );
    const calls = countingPacks(() => {
      assert.equal(broadcast.variantFor(recipient('websocket', 'forge.v1.msgpack')), undefined);
      assert.equal(broadcast.variantFor(recipient('webtransport', 'forge.v1.msgpack')), undefined);
    });
    assert.equal(calls, 1, 'tried once for all MessagePack recipients');
    const refusal: unknown = broadcast.refusal;
    assert.ok(refusal instanceof UnencodableMessageError);
    assert.equal(refusal.codec, 'forge.v1.msgpack');
  });
});
