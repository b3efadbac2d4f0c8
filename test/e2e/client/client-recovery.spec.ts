import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  createStreamingClient,
  type StreamingClient,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import type { RecoveredData } from '../../../src/wire/recovery-outcome.js';
import { startRecoveryApp, type RecoveryApp } from '../recovery/recovery-fixture.js';
import { waitFor } from '../../support/wait-for.js';

let app: RecoveryApp;
let client: StreamingClient | undefined;

before(async () => {
  app = await startRecoveryApp({ rooms: { history: { 'chat:*': { size: 100, ttlMs: 0 } } } });
});

after(async () => {
  client?.close();
  await app?.app.close();
});

test('a server-side disconnect: the client reconnects by itself and gets exactly the missed events once', async () => {
  const texts: string[] = [];
  const outcomes: RecoveredData[] = [];
  client = createStreamingClient(`ws://127.0.0.1:${app.port}/rooms?join=chat:c`, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  client.on('chat.message', (data: { text: string }) => texts.push(data.text));
  client.on('recovered', (outcome: RecoveredData) => outcomes.push(outcome));
  await waitFor(() => client?.state === 'open' && app.rooms.channels.size === 1, 'open');
  await waitFor(
    () => [...app.rooms.channels].every((channel) => channel.connection.rooms.has('chat:c')),
    'joined',
  );
  await app.rooms.emit('chat:c', 'chat.message', { text: 'before' });
  await waitFor(() => texts.length === 1, 'the first live event');
  // Publish while the client is surely away: from its own 'reconnecting' state event, which
  // fires before its reconnect timer can (polling the state could miss a short backoff).
  let missedPublished: Promise<void> | undefined;
  client.on('state', (state: string) => {
    if (state !== 'reconnecting' || missedPublished) return;
    missedPublished = (async () => {
      await app.rooms.emit('chat:c', 'chat.message', { text: 'missed-1' });
      await app.rooms.emit('chat:c', 'chat.message', { text: 'missed-2' });
    })();
  });
  for (const channel of app.rooms.channels) channel.connection.close(1012, 'restart');
  await waitFor(() => missedPublished !== undefined, 'reconnecting');
  await missedPublished;
  await waitFor(() => outcomes.length === 1, 'the recovery outcome');
  assert.deepEqual(outcomes, [{ room: 'chat:c', recovered: true }]);
  await app.rooms.emit('chat:c', 'chat.message', { text: 'after' });
  await waitFor(() => texts.includes('after'), 'a live event after the recovery');
  assert.deepEqual(texts, ['before', 'missed-1', 'missed-2', 'after']);
});
