import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BenchSocket, closeSockets, openSockets } from './bench-socket.js';
import { BroadcastLedger } from './broadcast-ledger.js';
import { DeliveryCounter } from './delivery-counter.js';
import type {
  ReceiverThreadCommand,
  ReceiverThreadData,
  ReceiverThreadReply,
} from './receiver-thread-protocol.js';

/*
 * A worker thread of a ReceiverPool: opens its share of the clients, counts what they receive
 * into the shared ledger and reports the broadcasts it completes.
 */

function threadPort(): MessagePort {
  if (!parentPort) throw new Error('receiver-thread runs as a worker thread');
  return parentPort;
}

const port = threadPort();
const data = workerData as ReceiverThreadData;
const reply = (message: ReceiverThreadReply) => port.postMessage(message);

const counter = new DeliveryCounter(new BroadcastLedger(data.ledger), data.clients, (seq) =>
  reply({ type: 'complete', seq }),
);

async function main(): Promise<void> {
  let sockets: BenchSocket[];
  try {
    sockets = await openSockets(
      data.clients,
      (i) =>
        new BenchSocket({
          port: data.port,
          dialect: data.dialect,
          endpoint: data.endpoint,
          token: data.token,
          onMessage: () => counter.received(i),
        }),
      50,
    );
  } catch (error) {
    reply({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
    port.close();
    return;
  }
  port.on('message', (command: ReceiverThreadCommand) => {
    switch (command.type) {
      case 'begin':
        counter.reset();
        reply({ type: 'begun' });
        return;
      case 'tally':
        reply({
          type: 'tally',
          deliveries: counter.deliveries,
          histogram: counter.histogram.encode(),
        });
        return;
      case 'close':
        void closeSockets(sockets).then(() => {
          reply({ type: 'closed' });
          port.close();
        });
        return;
    }
  });
  reply({ type: 'ready' });
}

void main();
