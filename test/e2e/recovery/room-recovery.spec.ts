import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EnvelopeClient,
  SlowHistoryAdapter,
  startRecoveryApp,
  type RecoveryApp,
} from './recovery-fixture.js';
import { waitFor } from '../../support/wait-for.js';

const HISTORY = {
  'chat:*': { size: 1_000, ttlMs: 0 },
  small: { size: 3, ttlMs: 0 },
};

let app: RecoveryApp;
const clients: EnvelopeClient[] = [];

async function connect(query: string): Promise<EnvelopeClient> {
  const client = await EnvelopeClient.connect(app.port, query);
  clients.push(client);
  return client;
}

async function publishAll(room: string, texts: string[]): Promise<string[]> {
  const offsets: string[] = [];
  for (const text of texts) offsets.push((await app.rooms.emit(room, 'chat.message', { text }))!);
  return offsets;
}

function texts(client: EnvelopeClient): string[] {
  return client.events('chat.message').map((envelope) => (envelope.data as { text: string }).text);
}

before(async () => {
  // reads of the history take 30 ms, so live events race every replay
  app = await startRecoveryApp({
    adapter: new SlowHistoryAdapter(30),
    rooms: { history: HISTORY, recoverJoinTimeout: 300 },
  });
});

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await app?.app.close();
});

describe('room recovery on a real WebSocket', () => {
  test('?recover= replays exactly the missed events in order, then $recovered, then live events', async () => {
    const offsets = await publishAll('chat:a', ['m1', 'm2', 'm3', 'm4', 'm5']);
    assert.match(offsets[0], /^[\w-]+:\d+$/);
    const client = await connect(
      `join=chat:a&recover=${encodeURIComponent(`chat:a@${offsets[1]}`)}`,
    );
    const recovered = await client.next((e) => e.event === '$recovered');
    assert.deepEqual(recovered.data, { room: 'chat:a', recovered: true });
    assert.deepEqual(texts(client), ['m3', 'm4', 'm5']);
    assert.deepEqual(
      client.events('chat.message').map((e) => e.offset),
      offsets.slice(2),
    );
    await publishAll('chat:a', ['m6']);
    await client.next((e) => (e.data as { text?: string } | undefined)?.text === 'm6');
    const order = client.received.map((e) =>
      e.event === '$recovered' ? '$recovered' : (e.data as { text: string }).text,
    );
    assert.deepEqual(order, ['m3', 'm4', 'm5', '$recovered', 'm6']);
  });

  test('an offset that is the newest replays nothing and still answers recovered: true', async () => {
    const [offset] = await publishAll('chat:b', ['only']);
    const client = await connect(`join=chat:b&recover=${encodeURIComponent(`chat:b@${offset}`)}`);
    const recovered = await client.next((e) => e.event === '$recovered');
    assert.deepEqual(recovered.data, { room: 'chat:b', recovered: true });
    assert.deepEqual(texts(client), []);
  });

  test('the connect handler may join late: recovery waits for the join', async () => {
    const offsets = await publishAll('chat:late', ['l1', 'l2']);
    const client = await connect(
      `join=chat:late&joinDelay=100&recover=${encodeURIComponent(`chat:late@${offsets[0]}`)}`,
    );
    const recovered = await client.next((e) => e.event === '$recovered');
    assert.deepEqual(recovered.data, { room: 'chat:late', recovered: true });
    assert.deepEqual(texts(client), ['l2']);
  });

  test('exact under concurrent publishes: no loss, no duplicate, in order, replay first', async () => {
    const total = 600;
    const [start] = await publishAll('chat:load', ['e0']);
    let published = 1;
    const publisher = (async () => {
      while (published < total) {
        // a few publishes in flight at once, like concurrent senders
        await Promise.all(
          [0, 1, 2].map(() =>
            app.rooms.emit('chat:load', 'chat.message', { text: `e${published++}` }),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    await waitFor(() => published > 150, 'the publisher to be under way');
    const client = await connect(
      `join=chat:load&recover=${encodeURIComponent(`chat:load@${start}`)}`,
    );
    assert.ok(published < total, 'the client recovers while events are still being published');
    await publisher;
    const missed = published - 1;
    await waitFor(() => client.events('chat.message').length >= missed, `${missed} events`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const got = client.events('chat.message');
    const seqs = got.map((e) => Number(String(e.offset).split(':')[1]));
    const first = Number(start.split(':')[1]) + 1;
    const expected = Array.from({ length: missed }, (_, i) => first + i);
    assert.deepEqual(seqs, expected, 'every event after the offset once, in offset order');
    const recoveredAt = client.received.findIndex((e) => e.event === '$recovered');
    assert.ok(recoveredAt > 0, 'replay before $recovered');
    assert.deepEqual(client.received[recoveredAt].data, { room: 'chat:load', recovered: true });
  });

  test('too-old: the events after the offset were trimmed', async () => {
    const offsets = await publishAll('small', ['s1', 's2', 's3', 's4', 's5', 's6']);
    const client = await connect(`join=small&recover=${encodeURIComponent(`small@${offsets[0]}`)}`);
    const recovered = await client.next((e) => e.event === '$recovered');
    assert.deepEqual(recovered.data, { room: 'small', recovered: false, reason: 'too-old' });
    assert.deepEqual(texts(client), []);
    await publishAll('small', ['s7']);
    await client.next((e) => (e.data as { text?: string } | undefined)?.text === 's7');
  });

  test('epoch-changed: an offset from another life of the log', async () => {
    await publishAll('chat:epoch', ['x']);
    const client = await connect(
      `join=chat:epoch&recover=${encodeURIComponent('chat:epoch@oldepoch:1')}`,
    );
    const recovered = await client.next((e) => e.event === '$recovered');
    assert.deepEqual(recovered.data, {
      room: 'chat:epoch',
      recovered: false,
      reason: 'epoch-changed',
    });
  });

  test('unknown-room: the room keeps no history', async () => {
    const client = await connect(`join=plain&recover=${encodeURIComponent('plain@abc:1')}`);
    const recovered = await client.next((e) => e.event === '$recovered');
    assert.deepEqual(recovered.data, { room: 'plain', recovered: false, reason: 'unknown-room' });
  });

  test('forbidden: a connection recovers only rooms it is a member of', async () => {
    const offsets = await publishAll('chat:secret', ['hidden1', 'hidden2']);
    const client = await connect(
      `join=chat:mine&recover=${encodeURIComponent(`chat:secret@${offsets[0]}`)}`,
    );
    const recovered = await client.next((e) => e.event === '$recovered');
    assert.deepEqual(recovered.data, {
      room: 'chat:secret',
      recovered: false,
      reason: 'forbidden',
    });
    assert.deepEqual(texts(client), []);
  });

  test('$recover on an open connection replays and replies one outcome per room', async () => {
    const a = await publishAll('chat:r1', ['r1a', 'r1b']);
    const b = await publishAll('chat:r2', ['r2a', 'r2b']);
    const client = await connect('join=chat:r1,chat:r2');
    const reply = await client.request(
      '$recover',
      { 'chat:r1': a[0], 'chat:r2': b[1], nope: 'x:1' },
      7,
    );
    assert.deepEqual(reply.data, {
      rooms: [
        { room: 'chat:r1', recovered: true },
        { room: 'chat:r2', recovered: true },
        { room: 'nope', recovered: false, reason: 'unknown-room' },
      ],
    });
    assert.deepEqual(texts(client), ['r1b']);
    assert.equal(client.events('$recovered').length, 3);
  });

  test('a malformed $recover gets a VALIDATION_FAILED reply and the connection stays open', async () => {
    const client = await connect('join=chat:bad');
    const reply = await client.request('$recover', ['not', 'an', 'object'], 1);
    assert.equal((reply.error as { code: string }).code, 'VALIDATION_FAILED');
    assert.equal((reply.error as { status: number }).status, 400);
    const second = await client.request('$recover', { 'chat:bad': 'no-seq' }, 2);
    assert.match((second.error as { message: string }).message, /bad offset/);
    const unknown = await client.request('$nope', {}, 3);
    assert.equal((unknown.error as { code: string }).code, 'UNKNOWN_EVENT');
    const [offset] = await publishAll('chat:bad', ['still-open']);
    await client.next((e) => e.offset === offset);
    assert.equal(client.closed, false);
  });

  test('a malformed ?recover= gets a $error event and the connection stays open', async () => {
    const client = await connect('join=chat:q&recover=no-at-sign');
    const error = await client.next((e) => e.event === '$error');
    assert.equal((error.error as { code: string }).code, 'VALIDATION_FAILED');
    const [offset] = await publishAll('chat:q', ['fine']);
    await client.next((e) => e.offset === offset);
  });
});
