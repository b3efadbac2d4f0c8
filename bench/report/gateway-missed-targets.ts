import type { EchoRow } from '../scenarios/echo.scenario.js';
import { measured, type BenchResults, type RatioCheck } from './bench-results.js';
import { echoRate, rateRatio } from './ratios.js';

/** The contender a request/reply ratio compares against, by its description. */
const GATEWAY_PEERS: Readonly<Record<string, string>> = {
  'vs Socket.IO acks': 'socket.io-ack',
  'vs NestJS @SubscribeMessage': 'nest-chat',
};

const microsPerReply = (row: EchoRow) => 1e6 / row.roundTripsPerServerCpuSec;

/**
 * Why a request/reply target was missed, from the same run: raw `ws` answering the same clients
 * by echoing their frame back (no envelope, no JSON, no framework code at all) is the floor of
 * any server on Node.js sockets and `ws`. When even that floor does not reach the target against
 * the peer, the target is out of reach here; otherwise the line says how far the gateway's own
 * work per reply would have to fall.
 */
export function explainGatewayReply(
  check: RatioCheck,
  results: BenchResults,
  label: (id: string) => string,
): string | undefined {
  const clients = Number(/request\/reply, (\d+) client/.exec(check.scenario)?.[1] ?? NaN);
  const peerId = GATEWAY_PEERS[check.description];
  const rows = (results.scenarios.gatewayEcho ?? []).filter(measured<EchoRow>);
  const row = (id: string) => rows.find((r) => r.contender === id && r.clients === clients);
  const [gateway, peer, raw] = [row('forge-gateway'), peerId && row(peerId), row('ws-naive')];
  if (!peerId || !gateway || !peer || !raw) return undefined;
  const floor = rateRatio(echoRate(raw, true), echoRate(peer, true));
  if (floor === undefined) return undefined;
  const [own, rawUs, peerUs] = [microsPerReply(gateway), microsPerReply(raw), microsPerReply(peer)];
  const costs =
    `Per reply the gateway spends ${own.toFixed(1)} µs of server CPU, raw \`ws\` echoing the ` +
    `request frame ${rawUs.toFixed(1)} µs and ${label(peerId)} ${peerUs.toFixed(1)} µs; the ` +
    `gateway's own work (envelope decode, pipeline, handler, reply encode) is the ` +
    `${Math.max(own - rawUs, 0).toFixed(1)} µs above raw \`ws\`.`;
  if (floor < check.target) {
    return (
      `Raw \`ws\` echoing the request frame back to the same clients (no envelope, no JSON, no ` +
      `framework code) reaches only ${floor.toFixed(2)}× ${label(peerId)} per server CPU-second ` +
      `in the same run: the target asks for more than a server with no code of its own on ` +
      `Node.js sockets and \`ws\` achieves on this machine. ${costs}`
    );
  }
  const allowed = peerUs / check.target - rawUs;
  return (
    `Raw \`ws\` echoing the request frame reaches ${floor.toFixed(2)}× ${label(peerId)} per ` +
    `server CPU-second in the same run, so the target is within reach of a server on \`ws\`. ` +
    `${costs} Meeting it needs that work down to ${Math.max(allowed, 0).toFixed(1)} µs per reply.`
  );
}
