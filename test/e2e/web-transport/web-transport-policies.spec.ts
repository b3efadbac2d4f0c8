import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamingManager,
  WebTransportRoute,
  onRoute,
  protocol,
  type SlowConsumerPolicy,
  type StreamingConnection,
  type WebTransportSession,
} from '../../../src/index.js';
import { encodeFrame, FrameDecoder } from '../../../src/client/message-framing.js';
import { resolveWebTransport } from '../../../src/client/web-transport-factory.js';
import type { WebTransportLike } from '../../../src/client/web-transport-like.js';
import {
  startWebTransportApp,
  waitFor,
  webTransportModule,
  type WebTransportTestApp,
} from './web-transport-fixture.js';

const KIB = 1024;
const BUFFER_SIZE = 256 * KIB;
const PAYLOAD_SIZE = 64 * KIB;
/** 12 MiB in all: far beyond the 1 MiB stream / 4 MiB session flow-control windows. */
const PUSHED_MESSAGES = 192;

@Controller('wt')
class PoliciesController {
  @WebTransportRoute('slow/drop-newest', { slowConsumer: 'drop-newest' })
  dropNewest(session: WebTransportSession): Promise<void> {
    return markReady(session);
  }

  @WebTransportRoute('slow/drop-oldest', { slowConsumer: 'drop-oldest' })
  dropOldest(session: WebTransportSession): Promise<void> {
    return markReady(session);
  }

  @WebTransportRoute('slow/disconnect', { slowConsumer: 'disconnect' })
  disconnect(session: WebTransportSession): Promise<void> {
    return markReady(session);
  }

  @WebTransportRoute('echo')
  async echo(session: WebTransportSession): Promise<void> {
    session.keepOpen();
    const datagrams = session.datagrams;
    if (datagrams) {
      void (async () => {
        for await (const datagram of datagrams.incoming) await datagrams.send(datagram);
      })().catch(() => undefined);
    }
    for (;;) await session.sendMessage(await session.receiveMessage());
  }
}

/** Keeps the session open and flags it once the client's message stream has delivered a frame. */
async function markReady(session: WebTransportSession): Promise<void> {
  session.keepOpen();
  await session.receiveMessage();
  session.set('ready', true);
}

/** A raw client session whose message stream the test reads only when it chooses to. */
interface RawClient {
  readonly transport: WebTransportLike;
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly ended: Promise<{ closeCode?: number; reason?: string } | undefined>;
}

async function connectRaw(wt: WebTransportTestApp, path: string): Promise<RawClient> {
  const { ctor } = await resolveWebTransport(true);
  const hash = new Uint8Array(Buffer.from(wt.info.certificateHash().value.replace(/:/g, ''), 'hex'));
  const transport = new ctor(wt.url(path), {
    forceReliable: true,
    serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }],
  });
  const ended = transport.closed.then(
    (info) => info,
    () => undefined,
  );
  await transport.ready;
  const stream = await transport.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  await writer.write(encodeFrame('hello'));
  writer.releaseLock();
  return { transport, reader: stream.readable.getReader(), ended };
}

function closeRaw(client: RawClient): void {
  try {
    client.transport.close({ closeCode: 0, reason: 'done' });
  } catch {
    // Already closed.
  }
}

/** Reads frames until `count` messages arrived; returns their sequence numbers. */
async function readSequences(client: RawClient, count: number): Promise<number[]> {
  const decoder = new FrameDecoder();
  const sequences: number[] = [];
  while (sequences.length < count) {
    const { value, done } = await client.reader.read();
    if (done) break;
    for (const message of decoder.push(value)) {
      assert.equal(message.byteLength, PAYLOAD_SIZE);
      sequences.push(new DataView(message.buffer, message.byteOffset).getUint32(0));
    }
  }
  return sequences;
}

function payload(sequence: number): Uint8Array {
  const bytes = new Uint8Array(PAYLOAD_SIZE);
  new DataView(bytes.buffer).setUint32(0, sequence);
  return bytes;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('WebTransport slow-consumer policies (bufferSize 256 KiB, client never reads)', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  before(async () => {
    wt = await startWebTransportApp(
      webTransportModule([PoliciesController], { webTransport: { bufferSize: BUFFER_SIZE } }),
    );
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await wt.close();
  });

  async function openSlowSession(
    policy: SlowConsumerPolicy,
  ): Promise<{ client: RawClient; session: StreamingConnection; route: string }> {
    const route = `/wt/slow/${policy}`;
    const client = await connectRaw(wt, route);
    let session: StreamingConnection | undefined;
    await waitFor(() => {
      session = manager.connections().find((c) => c.route === route && c.get('ready') === true);
      return session !== undefined;
    }, `the ${policy} session`);
    assert.ok(session);
    return { client, session, route };
  }

  /** Broadcasts numbered 64 KiB messages to the route, yielding to I/O between them. */
  async function push(
    session: StreamingConnection,
    route: string,
  ): Promise<{ sent: number; maxBuffered: number }> {
    let sent = 0;
    let maxBuffered = 0;
    for (let sequence = 0; sequence < PUSHED_MESSAGES && !session.isClosed; sequence += 1) {
      await manager.broadcast(payload(sequence), protocol('webtransport'), onRoute(route));
      sent += 1;
      maxBuffered = Math.max(maxBuffered, session.bufferedAmount);
      if (process.env.DIAG) console.log(route, sequence, session.bufferedAmount, manager.getStats().droppedMessages);
      // Pace like a polite producer: wait (briefly) for the buffer to drain below half.
      const deadline = Date.now() + 20;
      while (session.bufferedAmount > BUFFER_SIZE / 2 && Date.now() < deadline) await pause(1);
    }
    return { sent, maxBuffered };
  }

  test('drop-newest: bufferedAmount stays within bufferSize plus one message; the newest are dropped and counted', async () => {
    const { client, session, route } = await openSlowSession('drop-newest');
    const droppedBefore = manager.getStats().droppedMessages;
    const { sent, maxBuffered } = await push(session, route);
    assert.equal(sent, PUSHED_MESSAGES);
    assert.ok(
      maxBuffered <= BUFFER_SIZE + PAYLOAD_SIZE + 4,
      `bufferedAmount reached ${maxBuffered} bytes`,
    );
    const dropped = manager.getStats().droppedMessages - droppedBefore;
    assert.ok(dropped > 0, 'no message was dropped');
    assert.equal(session.isClosed, false, 'drop-newest must not close the session');
    // Now read: every message that was not dropped arrives, in order, and the last one pushed
    // (made while the buffer was full) is not among them.
    const sequences = await readSequences(client, sent - dropped);
    assert.equal(sequences.length, sent - dropped);
    assert.deepEqual(
      sequences,
      [...sequences].sort((a, b) => a - b),
      'messages arrived out of order',
    );
    assert.notEqual(sequences.at(-1), PUSHED_MESSAGES - 1, 'the newest message was not dropped');
    closeRaw(client);
    await waitFor(() => session.isClosed, 'the session to close');
  });

  test('drop-oldest: bufferedAmount stays within bufferSize plus one message; older queued messages are dropped and counted', async () => {
    const { client, session, route } = await openSlowSession('drop-oldest');
    const droppedBefore = manager.getStats().droppedMessages;
    const { sent, maxBuffered } = await push(session, route);
    assert.equal(sent, PUSHED_MESSAGES);
    assert.ok(
      maxBuffered <= BUFFER_SIZE + PAYLOAD_SIZE + 4,
      `bufferedAmount reached ${maxBuffered} bytes`,
    );
    const dropped = manager.getStats().droppedMessages - droppedBefore;
    assert.ok(dropped > 0, 'no message was dropped');
    assert.equal(session.isClosed, false, 'drop-oldest must not close the session');
    const sequences = await readSequences(client, sent - dropped);
    assert.equal(sequences.length, sent - dropped);
    assert.equal(sequences.at(-1), PUSHED_MESSAGES - 1, 'the newest message was dropped');
    closeRaw(client);
    await waitFor(() => session.isClosed, 'the session to close');
  });

  test('disconnect: an overflowing session is closed, leaves the registry and is counted', async () => {
    const { client, session, route } = await openSlowSession('disconnect');
    const before = manager.getStats();
    const { sent, maxBuffered } = await push(session, route);
    assert.ok(sent < PUSHED_MESSAGES, 'the session outlived every push');
    assert.ok(
      maxBuffered <= BUFFER_SIZE + PAYLOAD_SIZE + 4,
      `bufferedAmount reached ${maxBuffered} bytes`,
    );
    const closeInfo = await session.closed;
    assert.equal(closeInfo.byServer, true);
    const after = manager.getStats();
    assert.equal(after.slowConsumerDisconnects, before.slowConsumerDisconnects + 1);
    assert.ok(after.droppedMessages > before.droppedMessages);
    assert.equal(
      manager.connections().some((c) => c.route === route),
      false,
      'the session is still registered',
    );
    // The client sees its session end.
    const ended = await Promise.race([
      client.ended.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
    ]);
    assert.equal(ended, true, 'the client session did not end');
  });
});

describe('WebTransport idle timeout (500 ms)', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  const echoSessions = () => manager.connections().filter((c) => c.route === '/wt/echo').length;
  before(async () => {
    wt = await startWebTransportApp(
      webTransportModule([PoliciesController], { webTransport: { idleTimeout: 500 } }),
    );
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await wt.close();
  });

  test('a session without traffic is closed by the server and leaves the registry', async () => {
    await waitFor(() => echoSessions() === 0, 'earlier sessions to close');
    const client = await wt.connect('/wt/echo');
    await client.sendMessage('once');
    assert.equal(await client.receiveText(), 'once');
    assert.equal(echoSessions(), 1);
    const ended = await Promise.race([
      client.closed.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
    ]);
    assert.equal(ended, true, 'the idle session was not closed');
    await waitFor(() => echoSessions() === 0, 'the idle session to leave the registry');
    await assert.rejects(client.receiveMessage());
  });

  test('a session that keeps exchanging messages stays open well past the idle timeout', async () => {
    await waitFor(() => echoSessions() === 0, 'earlier sessions to close');
    const client = await wt.connect('/wt/echo');
    let ended = false;
    void client.closed.then(
      () => (ended = true),
      () => (ended = true),
    );
    const start = Date.now();
    let exchanged = 0;
    while (Date.now() - start < 2_000) {
      await client.sendMessage(`ping ${exchanged}`);
      assert.equal(await client.receiveText(), `ping ${exchanged}`);
      exchanged += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(exchanged >= 4, `only ${exchanged} exchanges in 2 s`);
    assert.equal(ended, false, 'the busy session was closed');
    assert.equal(echoSessions(), 1);
    client.close();
    await waitFor(() => echoSessions() === 0, 'the session to close');
  });
});
