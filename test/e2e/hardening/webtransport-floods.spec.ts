import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloseCode,
  StreamingManager,
  WebTransportRoute,
  type StreamingConnection,
  type WebTransportSession,
} from '../../../src/index.js';
import type { WebTransportClientSession } from '../../../src/client/index.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from '../web-transport/web-transport-fixture.js';
import { delay, waitFor } from '../../support/wait-for.js';
import { settledMemory } from './heap.js';

// The client that never reads what the server sends is web-transport-policies.spec.ts (the
// slow-consumer policies); here the server side is flooded or never reads.

const KIB = 1024;
const MIB = 1024 * KIB;
const BUFFER_SIZE = 64 * KIB;
const MAX_STREAMS = 4;

@Controller('wt')
class FloodController {
  /** Echoes on the message stream; takes the streams it is given and never reads them. */
  @WebTransportRoute('hold', { maxStreams: MAX_STREAMS })
  async hold(session: WebTransportSession): Promise<void> {
    session.keepOpen();
    const held: unknown[] = [];
    void (async () => {
      for await (const stream of session.incomingBidirectionalStreams) held.push(stream);
    })();
    void (async () => {
      for await (const stream of session.incomingUnidirectionalStreams) held.push(stream);
    })();
    for (;;) await session.sendMessage(await session.receiveMessage());
  }

  /** Reads nothing at all: not the message stream, not streams, not datagrams. */
  @WebTransportRoute('deaf')
  deaf(session: WebTransportSession): void {
    session.keepOpen();
  }

  /** Counts the datagrams it reads. */
  @WebTransportRoute('datagrams')
  async datagrams(session: WebTransportSession): Promise<void> {
    session.keepOpen();
    let count = 0;
    for await (const datagram of session.datagrams?.incoming ?? []) {
      if (datagram.byteLength > 0) session.set('datagrams', (count += 1));
    }
  }
}

/** Datagram halves of the library's Node client (not part of `WebTransportLike`). */
interface ClientDatagrams {
  readonly readable: ReadableStream<Uint8Array>;
  createWritable?(): WritableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/** What the floods read from a server session besides the public surface. */
interface SessionCounters {
  readonly refusedStreams: number;
  readonly clientStreams: number;
  readonly droppedDatagrams: number;
}

function datagramWriter(
  client: WebTransportClientSession,
): WritableStreamDefaultWriter<Uint8Array> {
  const datagrams = (client.transport as unknown as { datagrams?: ClientDatagrams }).datagrams;
  assert.ok(datagrams, 'the client has no datagrams');
  return (datagrams.createWritable?.() ?? datagrams.writable).getWriter();
}

/** Sends `count` datagrams of `size` bytes as fast as the client lets it. */
async function floodDatagrams(
  client: WebTransportClientSession,
  count: number,
  size: number,
): Promise<void> {
  const writer = datagramWriter(client);
  const datagram = new Uint8Array(size).fill(7);
  for (let i = 0; i < count; i += 1) {
    await writer.ready;
    void writer.write(datagram).catch(() => undefined);
    if (i % 500 === 499) await delay(1);
  }
  writer.releaseLock();
}

/** Resolves with the close code the client sees, or `undefined` if it stays open `ms`. */
async function clientCloseCode(
  client: WebTransportClientSession,
  ms: number,
): Promise<number | undefined> {
  return Promise.race([
    client.closed.then(
      (info) => info?.closeCode ?? -1,
      () => -1,
    ),
    delay(ms).then(() => undefined),
  ]);
}

/** Raw bytes on the client's message stream (a frame header without its payload, say). */
async function writeRaw(client: WebTransportClientSession, bytes: Uint8Array): Promise<void> {
  const writer = (client as unknown as { writer: WritableStreamDefaultWriter<Uint8Array> }).writer;
  await writer.write(bytes);
}

/** A frame header (4-byte big-endian length) announcing `length` bytes. */
function frameHeader(length: number): Uint8Array {
  const header = new Uint8Array(4);
  new DataView(header.buffer).setUint32(0, length, false);
  return header;
}

/**
 * Writes `chunk` to `writer` until `limit` bytes are written or a write stays pending for
 * `stallMs`; resolves with the bytes written.
 */
async function writeUntilStalled(
  write: (chunk: Uint8Array) => Promise<void>,
  chunk: Uint8Array,
  limit: number,
  stallMs = 400,
): Promise<number> {
  let written = 0;
  while (written < limit) {
    const done = await Promise.race([
      write(chunk).then(
        () => true,
        () => false,
      ),
      delay(stallMs).then(() => false),
    ]);
    if (!done) break;
    written += chunk.byteLength;
  }
  return written;
}

describe('WebTransport floods (bufferSize 64 KiB, maxStreams 4)', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  const sessionOn = (route: string): StreamingConnection | undefined =>
    manager.connections().find((c) => c.route === route);
  const counters = (route: string): SessionCounters =>
    sessionOn(route) as unknown as SessionCounters;
  before(async () => {
    wt = await startWebTransportApp(
      webTransportModule([FloodController], { webTransport: { bufferSize: BUFFER_SIZE } }),
    );
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await wt.close();
  });

  test('a stream flood past maxStreams: extra streams are reset and counted, the session stays usable, memory bounded', async () => {
    const client = await wt.connect('/wt/hold');
    await client.sendMessage('hello');
    assert.equal(await client.receiveText(), 'hello');
    const before = settledMemory();
    let opened = 0;
    // The server grants stream credit for max(100, maxStreams + 1) streams; the client library
    // refuses to open more (QuotaExceededError), which ends the flood.
    for (; opened < 400; opened += 1) {
      const stream = await client.createBidirectionalStream().catch(() => undefined);
      if (!stream) break;
      const writer = stream.writable.getWriter();
      void writer.write(new Uint8Array(KIB)).catch(() => undefined);
      writer.releaseLock();
    }
    assert.ok(opened > MAX_STREAMS * 10, `only ${opened} streams could be opened`);
    await waitFor(
      () => counters('/wt/hold').refusedStreams === opened - MAX_STREAMS,
      `${opened - MAX_STREAMS} refused streams`,
    );
    assert.equal(counters('/wt/hold').clientStreams, MAX_STREAMS);
    await client.sendMessage('still here');
    assert.equal(await client.receiveText(), 'still here', 'the message stream stopped');
    const growth = settledMemory() - before;
    assert.ok(
      growth < 4 * MIB,
      `memory grew by ${Math.round(growth / KIB)} KiB for ${opened} streams`,
    );
    client.close();
    await waitFor(() => !sessionOn('/wt/hold'), 'the session to close');
  });

  test('a datagram flood at a session that never reads them: at most bufferSize is queued, the rest dropped and counted', async () => {
    const client = await wt.connect('/wt/deaf');
    await waitFor(() => sessionOn('/wt/deaf'), 'the session');
    const before = settledMemory();
    const count = 20_000;
    await floodDatagrams(client, count, 1000);
    await waitFor(
      () => counters('/wt/deaf').droppedDatagrams > count / 2,
      'most datagrams dropped',
      5_000,
    ).catch(() => undefined);
    const { droppedDatagrams } = counters('/wt/deaf');
    const growth = settledMemory() - before;
    assert.ok(
      growth < 4 * MIB,
      `memory grew by ${Math.round(growth / KIB)} KiB for ${count} datagrams of 1000 bytes (${droppedDatagrams} dropped)`,
    );
    // Not every datagram reaches the server (the client drops some when its sending is
    // blocked); of those that do, all but bufferSize worth are dropped.
    assert.ok(
      droppedDatagrams >= count / 4,
      `only ${droppedDatagrams} of ${count} unread datagrams were dropped`,
    );
    assert.equal(sessionOn('/wt/deaf')?.isClosed, false, 'the session was closed');
    client.close();
    await waitFor(() => !sessionOn('/wt/deaf'), 'the session to close');
  });

  test('datagrams a handler reads are delivered, none dropped at a modest rate', async () => {
    const client = await wt.connect('/wt/datagrams');
    await waitFor(() => sessionOn('/wt/datagrams'), 'the session');
    await floodDatagrams(client, 200, 100);
    await waitFor(
      () => Number(sessionOn('/wt/datagrams')?.get('datagrams') ?? 0) >= 150,
      'the handler to read the datagrams',
    );
    assert.equal(counters('/wt/datagrams').droppedDatagrams, 0);
    client.close();
  });

  for (const [label, length] of [
    ['one byte over bufferSize', BUFFER_SIZE + 1],
    ['4 GiB', 0xffff_ffff],
  ] as const) {
    test(`a frame announcing ${label} closes the session with 1009 before any payload is buffered`, async () => {
      const client = await wt.connect('/wt/hold');
      await client.sendMessage('hello');
      assert.equal(await client.receiveText(), 'hello');
      const session = sessionOn('/wt/hold');
      assert.ok(session);
      await writeRaw(client, frameHeader(length));
      assert.equal(await clientCloseCode(client, 3_000), CloseCode.MessageTooBig);
      const closed = await session.closed;
      assert.equal(closed.code, CloseCode.MessageTooBig);
      assert.equal(closed.byServer, true);
      await waitFor(() => !sessionOn('/wt/hold'), 'the session to leave the registry');
    });
  }
});

/**
 * A stalled peer cannot send a close either (the client library queues its close behind the
 * blocked stream data), so such a session ends by the server's idle timeout.
 */
async function assertIdleClose(session: StreamingConnection | undefined): Promise<void> {
  assert.ok(session, 'no session');
  assert.equal(session.isClosed, false, 'the session closed before its idle timeout');
  const closed = await Promise.race([
    session.closed,
    delay(IDLE_TIMEOUT * 3).then(() => undefined),
  ]);
  assert.deepEqual(closed, { code: CloseCode.GoingAway, reason: 'idle timeout', byServer: true });
}

const IDLE_TIMEOUT = 1_500;

describe('WebTransport sessions that never read (bufferSize 64 KiB, idleTimeout 1.5 s)', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  const sessionOn = (route: string): StreamingConnection | undefined =>
    manager.connections().find((c) => c.route === route);
  const counters = (route: string): SessionCounters =>
    sessionOn(route) as unknown as SessionCounters;
  before(async () => {
    wt = await startWebTransportApp(
      webTransportModule([FloodController], {
        webTransport: { bufferSize: BUFFER_SIZE, idleTimeout: IDLE_TIMEOUT },
      }),
    );
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await wt.close();
  });

  test('a session whose handler never reads: the peer is held back by flow control, memory bounded', async () => {
    const client = await wt.connect('/wt/deaf');
    await waitFor(() => sessionOn('/wt/deaf'), 'the session');
    const before = settledMemory();
    const sent = await writeUntilStalled(
      (chunk) => client.sendMessage(chunk),
      new Uint8Array(16 * KIB),
      32 * MIB,
    );
    const growth = settledMemory() - before;
    assert.ok(
      sent < 4 * MIB,
      `${Math.round(sent / KIB)} KiB accepted by a server that reads nothing`,
    );
    assert.ok(growth < 4 * MIB, `memory grew by ${Math.round(growth / KIB)} KiB`);
    await assertIdleClose(sessionOn('/wt/deaf'));
    client.close();
  });

  test('streams a handler takes but never reads hold the peer back too (bidirectional and unidirectional)', async () => {
    const client = await wt.connect('/wt/hold');
    await client.sendMessage('hello');
    assert.equal(await client.receiveText(), 'hello');
    const before = settledMemory();
    const bidi = await Promise.all([1, 2].map(() => client.createBidirectionalStream()));
    const uni = await Promise.all([1, 2].map(() => client.createUnidirectionalStream()));
    const writers = [...bidi.map((s) => s.writable.getWriter()), ...uni.map((w) => w.getWriter())];
    const chunk = new Uint8Array(64 * KIB);
    const sent = await Promise.all(
      writers.map((writer) => writeUntilStalled((c) => writer.write(c), chunk, 16 * MIB)),
    );
    await waitFor(() => counters('/wt/hold').clientStreams === 4, 'four held streams');
    const growth = settledMemory() - before;
    for (const bytes of sent) {
      assert.ok(bytes < 4 * MIB, `${Math.round(bytes / KIB)} KiB accepted on an unread stream`);
    }
    assert.ok(growth < 12 * MIB, `memory grew by ${Math.round(growth / KIB)} KiB`);
    // The library's Node client then queues its other writes (the message stream, its close)
    // behind the blocked streams, so the session ends by the server's idle timeout.
    await assertIdleClose(sessionOn('/wt/hold'));
    client.close();
  });
});
