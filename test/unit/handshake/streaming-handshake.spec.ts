import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { CloseCode } from '../../../src/errors/close-codes.js';
import { HandshakeTimeoutError } from '../../../src/errors/handshake-timeout.error.js';
import { StreamingException } from '../../../src/errors/streaming.exception.js';
import { AdmissionControl } from '../../../src/handshake/admission-control.service.js';
import type { HandshakeAttempt } from '../../../src/handshake/handshake-attempt.interface.js';
import type { HandshakeRefusal } from '../../../src/handshake/refusal.js';
import type { RouteDefinition, RouteInvoker } from '../../../src/handshake/route-definition.js';
import { StreamingHandshake } from '../../../src/handshake/streaming-handshake.js';
import { ConnectionRegistry } from '../../../src/registry/connection-registry.service.js';
import { StreamingStatsCollector } from '../../../src/stats/streaming-stats-collector.service.js';
import { MemoryConnection } from '../../support/memory-connection.js';
import { waitFor } from '../../support/wait-for.js';

interface Harness {
  readonly handshake: StreamingHandshake<MemoryConnection>;
  readonly refusals: HandshakeRefusal[];
  readonly accepted: MemoryConnection[];
  readonly failed: { code: number; reason: string }[];
  readonly stats: StreamingStatsCollector;
  readonly admission: AdmissionControl;
}

function harness(
  invoke: RouteInvoker,
  overrides: Partial<HandshakeAttempt<MemoryConnection>> & { maxConnections?: number } = {},
  shared?: Pick<Harness, 'admission' | 'stats'>,
): Harness {
  const stats = shared?.stats ?? new StreamingStatsCollector();
  const admission = shared?.admission ?? new AdmissionControl(new ConnectionRegistry(stats));
  const refusals: HandshakeRefusal[] = [];
  const accepted: MemoryConnection[] = [];
  const failed: { code: number; reason: string }[] = [];
  const route: RouteDefinition = {
    protocol: 'websocket',
    path: '/rooms/:room',
    options: {},
    source: 'TestController.room',
    invoke,
  };
  const attempt: HandshakeAttempt<MemoryConnection> = {
    protocol: 'websocket',
    match: { route, params: { room: 'lobby' } },
    request: {
      method: 'GET',
      url: '/rooms/lobby',
      path: '/rooms/lobby',
      headers: {},
      query: {},
      params: { room: 'lobby' },
      ip: '127.0.0.1',
    },
    origin: undefined,
    host: 'localhost',
    settings: { checkOrigin: true, maxConnections: overrides.maxConnections ?? 10 },
    responder: { refuse: (answer) => refusals.push(answer) },
    accept: (values) => {
      const conn = new MemoryConnection({ values });
      accepted.push(conn);
      return Promise.resolve(conn);
    },
    fail: (conn, code, reason) => {
      failed.push({ code, reason });
      conn.close(code, reason);
    },
    ...overrides,
  };
  const handshake = new StreamingHandshake(attempt, { admission, stats });
  return { handshake, refusals, accepted, failed, stats, admission };
}

const acceptAndEnd: RouteInvoker = (_request, handshake) =>
  handshake.accept().then(() => undefined);

describe('StreamingHandshake', () => {
  test('a foreign Origin is refused with 403 before the pipeline runs, counted as origin', () => {
    let ran = false;
    const h = harness(
      () => {
        ran = true;
        return Promise.resolve();
      },
      { origin: 'https://evil.example', host: 'app.example' },
    );
    h.handshake.run();
    assert.equal(ran, false);
    assert.deepEqual(
      h.refusals.map((r) => r.status),
      [403],
    );
    assert.equal(
      h.stats.snapshot('i', { websocket: 0, sse: 0, webtransport: 0 }, {}).rejected.origin,
      1,
    );
  });

  test('past maxConnections (active plus pending) the attempt gets 503', async () => {
    const pending: (() => void)[] = [];
    const slow: RouteInvoker = (_request, handshake) =>
      new Promise<void>((resolve) => pending.push(resolve)).then(() =>
        handshake.accept().then(() => undefined),
      );
    const first = harness(slow, { maxConnections: 1 });
    first.handshake.run();
    const second = harness(slow, { maxConnections: 1 }, first);
    second.handshake.run();
    assert.deepEqual(first.refusals, [], 'the first attempt holds the only slot');
    assert.deepEqual(
      second.refusals.map((r) => [r.status, r.reason]),
      [[503, 'limit']],
    );
    pending.forEach((resolve) => resolve());
    await waitFor(() => first.accepted.length === 1, 'the first attempt to be accepted');
  });

  test('route params become context values, and guard values reach the accepted connection', async () => {
    const h = harness((_request, handshake) => {
      (handshake as StreamingHandshake).set('role', 'admin');
      return handshake.accept().then(() => undefined);
    });
    h.handshake.run();
    await waitFor(() => h.accepted.length === 1, 'the connection to be accepted');
    const conn = h.accepted[0];
    assert.equal(conn.get('room'), 'lobby');
    assert.equal(conn.get('role'), 'admin');
    assert.equal(h.handshake.connection, conn);
    assert.deepEqual(h.refusals, []);
  });

  test('a pipeline that ends without accepting is refused with 403; an error maps to its status', async () => {
    const denied = harness(() => Promise.resolve());
    denied.handshake.run();
    const unauthorized = harness(() => Promise.reject(new UnauthorizedException('No token')));
    unauthorized.handshake.run();
    const teapot = harness(() => Promise.reject(new StreamingException('teapot', 4418, 418)));
    teapot.handshake.run();
    await waitFor(
      () => denied.refusals.length + unauthorized.refusals.length + teapot.refusals.length === 3,
      'three refusals',
    );
    assert.equal(denied.refusals[0].status, 403);
    assert.deepEqual(
      [unauthorized.refusals[0].status, unauthorized.refusals[0].body.message],
      [401, 'No token'],
    );
    assert.equal(teapot.refusals[0].status, 418);
  });

  test('the timeout answers 408 once; an accept after it rejects with HandshakeTimeoutError', async () => {
    let release!: () => void;
    let acceptError: unknown;
    const h = harness(
      (_request, handshake) =>
        new Promise<void>((resolve) => (release = resolve)).then(() =>
          handshake.accept().then(
            () => undefined,
            (error: unknown) => {
              acceptError = error;
            },
          ),
        ),
      { timeoutMs: 20 },
    );
    h.handshake.run();
    await waitFor(() => h.refusals.length === 1, 'the 408');
    assert.deepEqual([h.refusals[0].status, h.refusals[0].reason], [408, 'timeout']);
    release();
    await waitFor(() => acceptError !== undefined, 'the late accept to fail');
    assert.ok(acceptError instanceof HandshakeTimeoutError);
    assert.equal(h.accepted.length, 0, 'the transport never completed the upgrade');
    assert.equal(h.refusals.length, 1, 'no second answer');
  });

  test('accept twice returns the same connection; the attempt is dropped once accepted', async () => {
    const results: unknown[] = [];
    const h = harness(async (_request, handshake) => {
      results.push(await handshake.accept(), await handshake.accept());
    });
    h.handshake.run();
    await waitFor(() => results.length === 2, 'both accepts');
    assert.equal(results[0], results[1]);
    assert.equal(h.accepted.length, 1);
    assert.equal((h.handshake as unknown as { attempt?: unknown }).attempt, undefined);
  });

  test('an accepted connection that fails is closed with the mapped code through the transport', async () => {
    const h = harness((_request, handshake) =>
      handshake.accept().then(() => Promise.reject(new ForbiddenException('not in this room'))),
    );
    h.handshake.run();
    await waitFor(() => h.failed.length === 1, 'the failure to be settled');
    assert.deepEqual(h.failed[0], { code: CloseCode.PolicyViolation, reason: 'not in this room' });
    assert.deepEqual(h.refusals, [], 'an accepted connection is never answered with HTTP');
    assert.equal(h.stats.errors, 0, 'an expected outcome is not counted as an error');
  });

  test('an unexpected failure closes with 1011 and counts as an error', async () => {
    const h = harness((_request, handshake) =>
      handshake.accept().then(() => Promise.reject(new TypeError('boom'))),
    );
    h.handshake.run();
    await waitFor(() => h.failed.length === 1, 'the failure to be settled');
    assert.equal(h.failed[0].code, CloseCode.InternalError);
    assert.equal(h.stats.errors, 1);
  });

  test('a pipeline that ends normally leaves the connection to its handler', async () => {
    const h = harness(acceptAndEnd);
    h.handshake.run();
    await waitFor(() => h.accepted.length === 1, 'the connection');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.accepted[0].isClosed, false);
    assert.deepEqual(h.failed, []);
  });
});
