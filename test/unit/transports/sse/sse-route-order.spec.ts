import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseRouteOrder } from '../../../../src/transports/sse/sse-route-order.js';

test('a broadcast in flight blocks later tickets until released, not earlier ones', () => {
  const order = new SseRouteOrder();
  const early = order.next();
  const broadcast = order.hold();
  order.bind(broadcast, 'id-1');
  const late = order.next();
  assert.equal(order.blocks(early), false);
  assert.equal(order.blocks(broadcast), false);
  assert.equal(order.blocks(late), true);
  assert.equal(order.ticketOf('id-1'), broadcast);
  let released = 0;
  order.onRelease(() => (released += 1));
  order.release(broadcast);
  assert.equal(released, 1);
  assert.equal(order.blocks(late), false);
  assert.equal(order.ticketOf('id-1'), undefined);
});

test('a forgotten waiter is not called', () => {
  const order = new SseRouteOrder();
  const ticket = order.hold();
  let called = false;
  const waiter = () => (called = true);
  order.onRelease(waiter);
  order.forget(waiter);
  order.release(ticket);
  assert.equal(called, false);
});
