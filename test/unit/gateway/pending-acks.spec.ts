import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckRejectedError } from '../../../src/errors/ack-rejected.error.js';
import { AckTimeoutError } from '../../../src/errors/ack-timeout.error.js';
import { ConnectionClosedError } from '../../../src/errors/connection-closed.error.js';
import { PendingAcks } from '../../../src/gateway/pending-acks.js';

describe('pending acks', () => {
  it('resolves with the answer to its id and forgets the entry', async () => {
    const acks = new PendingAcks();
    const sent: number[] = [];
    const answer = acks.create('question', 1000, (id) => sent.push(id));
    assert.equal(acks.size, 1);
    assert.equal(acks.settle({ id: sent[0], data: { a: 1 } }), true);
    assert.deepEqual(await answer, { a: 1 });
    assert.equal(acks.size, 0);
    assert.equal(acks.settle({ id: sent[0], data: 'again' }), false, 'answered only once');
    assert.equal(acks.settle({ id: 'unknown', data: 1 }), false);
  });

  it('rejects with the client error reply as AckRejectedError', async () => {
    const acks = new PendingAcks();
    let id = 0;
    const answer = acks.create('question', 1000, (sent) => (id = sent));
    acks.settle({ id, error: { status: 400, code: 'NOPE', message: 'no' } });
    await assert.rejects(answer, (error: unknown) => {
      assert.ok(error instanceof AckRejectedError);
      assert.equal(error.rejection.code, 'NOPE');
      return true;
    });
  });

  it('rejects on timeout and frees the entry', async () => {
    const acks = new PendingAcks();
    const answer = acks.create('question', 10, () => undefined);
    await assert.rejects(answer, AckTimeoutError);
    assert.equal(acks.size, 0);
  });

  it('rejects every waiting request when the connection closes', async () => {
    const acks = new PendingAcks();
    const answers = [1, 2, 3].map(() => acks.create('question', 60_000, () => undefined));
    acks.closeAll({ code: 1001, reason: 'going away', byServer: false });
    assert.equal(acks.size, 0);
    for (const answer of answers) await assert.rejects(answer, ConnectionClosedError);
  });

  it('rejects with what sending threw and frees the entry at once', async () => {
    const acks = new PendingAcks();
    const refusal = new Error('cannot encode');
    const answer = acks.create('question', 60_000, () => {
      throw refusal;
    });
    assert.equal(acks.size, 0, 'no entry (nor timer) left behind');
    await assert.rejects(answer, (error: unknown) => error === refusal);
  });
});
