import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  EventData,
  EventReply,
  GatewayConnection,
  RequestEvents,
  WithReply,
} from '../../../src/index.js';

interface ServerEvents {
  'chat.message': { room: string; text: string };
  'presence.join': { userId: string };
  confirm: WithReply<{ question: string }, { ok: boolean }>;
}

/** Compiles only when `A` and `B` are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(value: Same<A, B>): Same<A, B> => value;

/** Uses a typed connection the way a handler does; type errors are the assertions. */
async function typedUse(conn: GatewayConnection<ServerEvents>): Promise<boolean> {
  conn.emit('chat.message', { room: 'lobby', text: 'hi' });
  // @ts-expect-error the payload of chat.message has no `body`
  conn.emit('chat.message', { body: 'hi' });
  // @ts-expect-error no such server event
  conn.emit('chat.unknown', {});
  const answer = await conn.emitWithAck('confirm', { question: 'sure?' });
  return answer.ok;
}

describe('typed event maps', () => {
  it('derive payload and reply types from one map', () => {
    assert.equal(same<EventData<ServerEvents, 'confirm'>, { question: string }>(true), true);
    assert.equal(same<EventReply<ServerEvents, 'confirm'>, { ok: boolean }>(true), true);
    assert.equal(same<EventData<ServerEvents, 'presence.join'>, { userId: string }>(true), true);
    assert.equal(same<RequestEvents<ServerEvents>, 'confirm'>(true), true);
    assert.equal(typeof typedUse, 'function');
  });
});
