import type { ContenderId } from '../server/contenders.js';
import { CONTENDERS } from '../server/contenders.js';
import { best, measure, type FanoutMeasurement, type FanoutRow } from './fanout.scenario.js';
import {
  openBroadcastReceivers,
  pick,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** Subscribers of the event broadcast. */
export const GATEWAY_BROADCAST_CLIENTS = 500;

/** The event's `data`: a string of this many bytes. */
export const GATEWAY_BROADCAST_DATA_BYTES = 60;

/**
 * Bytes each contender wraps around the data, so that every contender puts frames of the same
 * length on the wire: the library's envelope `{"event":"chat.message","data":"…"}`, Socket.IO's
 * `42["chat.message","…"]`; raw frames carry the whole length as their payload.
 */
const FRAMING_BYTES: Partial<Record<ContenderId, number>> = {
  'forge-gateway': 34,
  'socket.io-ack': 21,
};

const GATEWAY_BROADCAST_CONTENDERS: readonly ContenderId[] = [
  'forge-gateway',
  'ws-frame-once',
  'forge',
  'socket.io-ack',
];

/** One contender's event broadcast at its best in-flight depth. */
export interface GatewayBroadcastRow extends FanoutRow {
  /** Length of each WebSocket message on the wire (equal for every contender). */
  readonly frameBytes: number;
}

/** The payload size to ask `contender` for so that its message is `frameBytes` long. */
export function payloadFor(contender: ContenderId, frameBytes: number): number {
  return frameBytes - (FRAMING_BYTES[contender] ?? 0);
}

/**
 * Scenario (i): `manager.to(room).emit(event, data)` to {@link GATEWAY_BROADCAST_CLIENTS}
 * gateway connections in one room, against raw `ws` writing one prebuilt frame to every socket,
 * the library's raw-route broadcast and Socket.IO's `io.to(room).emit`; same message length on
 * the wire, every in-flight depth of the run, each contender's best depth.
 */
export async function runGatewayBroadcast(
  context: ScenarioContext,
): Promise<(GatewayBroadcastRow | FailedRow)[]> {
  const rows: (GatewayBroadcastRow | FailedRow)[] = [];
  const { fanoutWindows, warmupSeconds } = context.sizes;
  const clients = GATEWAY_BROADCAST_CLIENTS;
  const frameBytes = GATEWAY_BROADCAST_DATA_BYTES + (FRAMING_BYTES['forge-gateway'] ?? 0);
  for (const contender of pick(context, GATEWAY_BROADCAST_CONTENDERS)) {
    const label = CONTENDERS[contender].label;
    const payloadBytes = payloadFor(contender, frameBytes);
    const result = await withServer(context, contender, async (server) => {
      const receivers = await openBroadcastReceivers(server, contender, clients);
      try {
        const depths: FanoutMeasurement[] = [];
        let warmupMs = warmupSeconds * 1000;
        for (const depth of fanoutWindows) {
          const m = await measure(context, server, receivers, payloadBytes, depth, warmupMs);
          warmupMs = (warmupSeconds * 1000) / 4;
          context.log(
            `  event broadcast ${clients}×${frameBytes} B, ${depth} in flight, ${label}: ` +
              `${m.deliveriesPerSec}/s, ${m.deliveriesPerServerCpuSec}/cpu-s, p99 ${m.p99Ms} ms, ` +
              `lost ${m.lost}`,
          );
          depths.push(m);
        }
        const row: GatewayBroadcastRow = {
          contender,
          clients,
          payloadBytes,
          frameBytes,
          ...best(depths),
          depths,
        };
        return row;
      } finally {
        await receivers.close();
      }
    });
    rows.push(result);
  }
  return rows;
}
