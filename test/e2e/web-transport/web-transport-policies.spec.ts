import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  CloseCode,
  StreamingManager,
  WebTransportRoute,
  onRoute,
  protocol,
  type SlowConsumerPolicy,
  type StreamingConnection,
  type WebTransportSession,
} from '../../../src/index.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from './web-transport-fixture.js';
import { waitFor } from '../../support/wait-for.js';

const KIB = 1024;
const BUFFER_SIZE = 256 * KIB;
const PAYLOAD_SIZE = 64 * KIB;
/** Paced messages a reading client must receive without a drop (1 MiB). */
const CONTROL_MESSAGES = 16;
/** Most messages pushed at a frozen client (12 MiB, far beyond the flow-control windows). */
const PUSHED_MESSAGES = 192;
/** Drops after which the overflow push stops. */
const ENOUGH_DROPS = 24;

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

/** A client in a child process that the test can freeze (see slow-consumer-client.fixture). */
interface ChildClient {
  readonly process: ChildProcess;
  /** Sequence numbers received so far, in arrival order. */
  readonly sequences: number[];
  /** Whether the child saw its session end. */
  closed(): boolean;
}

const FIXTURE = fileURLToPath(new URL('./slow-consumer-client.fixture.js', import.meta.url));

/** Starts a client process (added to `started` at once, so it is stopped even on failure). */
async function spawnClient(
  wt: WebTransportTestApp,
  path: string,
  started: ChildClient[],
): Promise<ChildClient> {
  const child = spawn(process.execPath, [FIXTURE, wt.url(path), wt.info.certificateHash().value], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const sequences: number[] = [];
  let ready = false;
  let closed = false;
  const client: ChildClient = { process: child, sequences, closed: () => closed };
  started.push(client);
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') ready = true;
    else if (line === 'CLOSED') closed = true;
    else if (line.startsWith('SEQ ')) sequences.push(Number(line.slice(4)));
  });
  await waitFor(() => ready || child.exitCode !== null, 'the client process to connect');
  assert.equal(ready, true, 'the client process did not connect');
  return client;
}

async function stopClient(client: ChildClient): Promise<void> {
  const child = client.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGCONT');
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function payload(sequence: number): Uint8Array {
  const bytes = new Uint8Array(PAYLOAD_SIZE);
  new DataView(bytes.buffer).setUint32(0, sequence);
  return bytes;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('WebTransport slow-consumer policies (bufferSize 256 KiB, a client that stops reading)', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  const children: ChildClient[] = [];
  before(async () => {
    wt = await startWebTransportApp(
      webTransportModule([PoliciesController], { webTransport: { bufferSize: BUFFER_SIZE } }),
    );
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await Promise.all(children.map(stopClient));
    await wt.close();
  });

  /**
   * Connects a client process, checks that 1 MiB paced by the buffer reaches it without a drop,
   * then freezes the process: from then on it reads nothing.
   */
  async function openFrozenSession(
    policy: SlowConsumerPolicy,
  ): Promise<{ client: ChildClient; session: StreamingConnection; route: string }> {
    const route = `/wt/slow/${policy}`;
    const client = await spawnClient(wt, route, children);
    let session: StreamingConnection | undefined;
    await waitFor(() => {
      session = manager.connections().find((c) => c.route === route && c.get('ready') === true);
      return session !== undefined;
    }, `the ${policy} session`);
    assert.ok(session);
    const droppedBefore = manager.getStats().droppedMessages;
    const { sent } = await push(session, route, 0, CONTROL_MESSAGES, 5_000);
    assert.equal(sent, CONTROL_MESSAGES);
    await waitFor(
      () => client.sequences.length === CONTROL_MESSAGES,
      'the reading client to receive every paced message',
    );
    assert.equal(
      manager.getStats().droppedMessages,
      droppedBefore,
      'messages were dropped while the client was reading',
    );
    client.process.kill('SIGSTOP');
    return { client, session, route };
  }

  /**
   * Broadcasts numbered 64 KiB messages to the route like a polite producer: before each one it
   * waits up to `patienceMs` for the buffer to drain below half. Stops early once `stopWhen` holds.
   */
  async function push(
    session: StreamingConnection,
    route: string,
    first: number,
    count: number,
    patienceMs: number,
    stopWhen: () => boolean = () => false,
  ): Promise<{ sent: number; maxBuffered: number }> {
    let sent = 0;
    let maxBuffered = 0;
    while (sent < count && !session.isClosed && !stopWhen()) {
      const deadline = Date.now() + patienceMs;
      while (session.bufferedAmount > BUFFER_SIZE / 2 && Date.now() < deadline) await pause(2);
      await manager.broadcast(payload(first + sent), protocol('webtransport'), onRoute(route));
      sent += 1;
      maxBuffered = Math.max(maxBuffered, session.bufferedAmount);
    }
    return { sent, maxBuffered };
  }

  async function overflow(
    session: StreamingConnection,
    route: string,
  ): Promise<{ sent: number; maxBuffered: number; dropped: number }> {
    const droppedBefore = manager.getStats().droppedMessages;
    const dropped = () => manager.getStats().droppedMessages - droppedBefore;
    const result = await push(
      session,
      route,
      CONTROL_MESSAGES,
      PUSHED_MESSAGES,
      20,
      () => dropped() >= ENOUGH_DROPS,
    );
    return { ...result, dropped: dropped() };
  }

  for (const policy of ['drop-newest', 'drop-oldest'] as const) {
    test(`${policy}: with a frozen client, bufferedAmount stays within bufferSize plus one message and drops are counted`, async () => {
      const { client, session, route } = await openFrozenSession(policy);
      const { sent, maxBuffered, dropped } = await overflow(session, route);
      assert.ok(
        maxBuffered <= BUFFER_SIZE + PAYLOAD_SIZE + 4,
        `bufferedAmount reached ${maxBuffered} bytes`,
      );
      assert.ok(dropped >= ENOUGH_DROPS, `only ${dropped} of ${sent} messages dropped`);
      assert.equal(session.isClosed, false, `${policy} must not close the session`);
      // Thaw the client: every message that was not dropped arrives, in order.
      client.process.kill('SIGCONT');
      const expected = CONTROL_MESSAGES + sent - dropped;
      await waitFor(
        () => client.sequences.length >= expected,
        `${expected} messages at the thawed client`,
        15_000,
      );
      await pause(100);
      const received = client.sequences.slice(CONTROL_MESSAGES);
      assert.equal(received.length, sent - dropped, 'more messages arrived than were kept');
      assert.deepEqual(
        received,
        [...received].sort((a, b) => a - b),
        'messages out of order',
      );
      const newest = CONTROL_MESSAGES + sent - 1;
      if (policy === 'drop-newest') {
        assert.notEqual(received.at(-1), newest, 'the newest message was delivered');
      } else {
        assert.equal(received.at(-1), newest, 'the newest message was dropped');
      }
      await stopClient(client);
      await waitFor(() => session.isClosed, 'the session to close');
    });
  }

  test('disconnect: with a frozen client, the session is closed, leaves the registry and is counted', async () => {
    const { client, session, route } = await openFrozenSession('disconnect');
    const before = manager.getStats();
    const { sent, maxBuffered } = await overflow(session, route);
    assert.ok(sent < PUSHED_MESSAGES, 'the session outlived every push');
    assert.ok(
      maxBuffered <= BUFFER_SIZE + PAYLOAD_SIZE + 4,
      `bufferedAmount reached ${maxBuffered} bytes`,
    );
    assert.deepEqual(await session.closed, {
      code: CloseCode.PolicyViolation,
      reason: 'slow consumer',
      byServer: true,
    });
    const after = manager.getStats();
    assert.equal(after.slowConsumerDisconnects, before.slowConsumerDisconnects + 1);
    assert.equal(after.droppedMessages, before.droppedMessages + 1);
    assert.equal(
      manager.connections().some((c) => c.route === route),
      false,
      'the session is still registered',
    );
    // Thawed, the client sees its session end.
    client.process.kill('SIGCONT');
    await waitFor(() => client.closed(), 'the client to see the session end', 15_000);
    await stopClient(client);
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
    const session = manager.connections().find((c) => c.route === '/wt/echo');
    assert.ok(session);
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
    assert.deepEqual(await session.closed, {
      code: CloseCode.GoingAway,
      reason: 'idle timeout',
      byServer: true,
    });
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

/** Datagram halves of the library's Node client (not part of `WebTransportLike`). */
interface ClientDatagrams {
  readonly readable: ReadableStream<Uint8Array>;
  createWritable?(): WritableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

describe('WebTransport datagrams over HTTP/2', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  before(async () => {
    wt = await startWebTransportApp(webTransportModule([PoliciesController]));
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await wt.close();
  });

  test('the session exposes datagrams and a datagram sent by the client comes back echoed, without console noise', async () => {
    const client = await wt.connect('/wt/echo');
    await client.sendMessage('sync');
    assert.equal(await client.receiveText(), 'sync');
    const session = manager.connections().find((c) => c.route === '/wt/echo') as
      WebTransportSession | undefined;
    assert.ok(session, 'no session');
    assert.equal(session.transport, 'http2');
    assert.ok(session.datagrams, 'the HTTP/2 session has no datagrams');
    const datagrams = (client.transport as unknown as { datagrams?: ClientDatagrams }).datagrams;
    assert.ok(datagrams, 'the client has no datagrams');
    const writer = (datagrams.createWritable?.() ?? datagrams.writable).getWriter();
    const reader = datagrams.readable.getReader();
    const sent = new Uint8Array([7, 0, 255, 42, 1, 2, 3]);
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    const echoed = reader.read();
    // Datagrams may be lost in principle: resend until the echo arrives.
    const resend = setInterval(() => void writer.write(sent).catch(() => undefined), 200);
    try {
      await writer.write(sent);
      const { value } = await Promise.race([
        echoed,
        pause(10_000).then(() => ({ value: undefined })),
      ]);
      assert.ok(value, 'no datagram came back');
      assert.deepEqual(new Uint8Array(value), sent);
      assert.deepEqual(warnings, [], 'sending a datagram wrote to the console');
    } finally {
      console.warn = warn;
      clearInterval(resend);
      reader.releaseLock();
      writer.releaseLock();
    }
    client.close();
  });
});
