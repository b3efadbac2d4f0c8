import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { StreamingManager, forUser } from '../../../src/index.js';
import {
  createStreamingClient,
  type StreamingClient,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import type { RecoveredData } from '../../../src/wire/recovery-outcome.js';
import { startSample, tokenFor, type RunningSample } from '../sample/sample-harness.js';
import { waitFor } from '../../support/wait-for.js';

let sample: RunningSample;
const clients: StreamingClient[] = [];

function open(user: string, room: string): StreamingClient {
  const client = createStreamingClient(`${sample.ws}/ws/rooms/${room}`, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    getToken: () => tokenFor(sample, user),
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  clients.push(client);
  return client;
}

before(async () => {
  sample = await startSample();
});

after(async () => {
  for (const client of clients) client.close();
  await sample?.close();
});

test('sample chat gateway: a client cut by the server reconnects and recovers exactly the missed messages', async () => {
  const alice = open('alice', 'recovery-room');
  const bob = open('bob', 'recovery-room');
  const seen: string[] = [];
  const outcomes: RecoveredData[] = [];
  bob.on('chat.message', (message: { text: string }) => seen.push(message.text));
  bob.on('recovered', (outcome: RecoveredData) => outcomes.push(outcome));
  await waitFor(() => alice.state === 'open' && bob.state === 'open', 'both open');
  const manager = sample.app.get(StreamingManager);
  await waitFor(() => manager.connections(forUser('bob')).length === 1, 'bob joined');
  const first = await alice.request<{ offset?: string }>('chat.send', { text: 'one' });
  assert.match(String(first.offset), /^.+:\d+$/, 'the room keeps history: the reply has an offset');
  await waitFor(() => seen.length === 1, 'bob got the first message live');
  // Send while bob is surely away: from his own 'reconnecting' state event, which fires before
  // his reconnect timer can (polling the state could miss a short backoff).
  let missedSent: Promise<unknown> | undefined;
  bob.on('state', (state: string) => {
    if (state !== 'reconnecting' || missedSent) return;
    missedSent = alice
      .request('chat.send', { text: 'two' })
      .then(() => alice.request('chat.send', { text: 'three' }));
  });
  await manager.disconnect(manager.connections(forUser('bob'))[0].id, 4000, 'cut');
  await waitFor(() => missedSent !== undefined, 'bob reconnecting');
  await missedSent;
  await waitFor(() => outcomes.length === 1, 'bob recovered');
  assert.deepEqual(outcomes, [{ room: 'recovery-room', recovered: true }]);
  await alice.request('chat.send', { text: 'four' });
  await waitFor(() => seen.includes('four'), 'a live message after the recovery');
  assert.deepEqual(seen, ['one', 'two', 'three', 'four']);
});
