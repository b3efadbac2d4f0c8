import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebTransportServerInfo } from '../../../src/index.js';
import { connectWebTransport, type WebTransportClientSession } from '../../../src/client/index.js';
import { startSample, type RunningSample } from './sample-harness.js';

const decoder = new TextDecoder();

async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

describe('sample app: WebTransport', () => {
  let sample: RunningSample;
  let session: WebTransportClientSession;

  before(async () => {
    sample = await startSample({ WT_ENABLED: 'true', WT_PORT: '0', HOST: '127.0.0.1' });
    const info = sample.app.get(WebTransportServerInfo, { strict: false });
    const hash = (await (await fetch(`${sample.http}/webtransport/cert-hash`)).json()) as {
      algorithm: 'sha-256';
      value: string;
    };
    session = await connectWebTransport(info.url('/wt/echo'), {
      serverCertificateHashes: [hash],
    });
  });

  after(async () => {
    session?.close();
    await sample.close();
  });

  test('GET /webtransport/cert-hash answers {algorithm:"sha-256", value:<64 hex>} matching the server', async () => {
    const response = await fetch(`${sample.http}/webtransport/cert-hash`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['algorithm', 'value']);
    assert.equal(body.algorithm, 'sha-256');
    assert.match(String(body.value), /^[0-9a-f]{64}$/);
    const info = sample.app.get(WebTransportServerInfo, { strict: false });
    assert.deepEqual(body, info.certificateHash());
  });

  test('GET /page-config tells the page where the WebTransport echo is', async () => {
    const config = (await (await fetch(`${sample.http}/page-config`)).json()) as {
      webTransport: { enabled: boolean; port: number; path: string; transports: string[] };
    };
    const info = sample.app.get(WebTransportServerInfo, { strict: false });
    assert.equal(config.webTransport.enabled, true);
    assert.equal(config.webTransport.port, info.port);
    assert.equal(config.webTransport.path, '/wt/echo');
    assert.ok(config.webTransport.transports.includes('websocket'));
  });

  test('/wt/echo echoes framed messages, text and binary', async () => {
    await session.sendMessage('hello over WebTransport');
    assert.equal(await session.receiveText(), 'hello over WebTransport');
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await session.sendMessage(bytes);
    assert.deepEqual(await session.receiveMessage(), bytes);
  });

  test('/wt/echo echoes every bidirectional stream it is given, concurrently and byte for byte', async () => {
    const payloads = [
      new TextEncoder().encode('stream one'),
      new TextEncoder().encode('stream two'),
      Buffer.alloc(256 * 1024, 7),
    ];
    const echoes = await Promise.all(
      payloads.map(async (payload) => {
        const stream = await session.createBidirectionalStream();
        const writer = stream.writable.getWriter();
        const reading = readAll(stream.readable);
        await writer.write(payload);
        await writer.close();
        return reading;
      }),
    );
    assert.equal(decoder.decode(echoes[0]), 'stream one');
    assert.equal(decoder.decode(echoes[1]), 'stream two');
    assert.ok(Buffer.from(echoes[2]).equals(Buffer.from(payloads[2])), '256 KiB stream identical');
  });

  test('the WebTransport session is counted in /stats', async () => {
    const stats = (await (await fetch(`${sample.http}/stats`)).json()) as {
      byProtocol: Record<string, number>;
    };
    assert.equal(stats.byProtocol.webtransport, 1);
  });
});
