import type { ContenderId } from '../server/contenders.js';
import { runEcho, type EchoRow } from './echo.scenario.js';
import type { FailedRow, ScenarioContext } from './scenario-context.js';

/**
 * Event servers answering a `chat.send` request (small DTO, request id) with one reply: the
 * library's `@StreamingGateway`, Socket.IO with acks, Nest's `@SubscribeMessage` gateway; the
 * library's raw echo route and raw `ws` show what the event layer costs over frames.
 */
export const GATEWAY_ECHO_CONTENDERS: readonly ContenderId[] = [
  'forge-gateway',
  'socket.io-ack',
  'nest-chat',
  'forge',
  'ws-naive',
];

/**
 * Scenario (h): closed-loop request/reply over event gateways, with the echo scenario's client
 * counts, rounds and interleaving (every server up at once, windows alternating round by round).
 */
export function runGatewayEcho(context: ScenarioContext): Promise<(EchoRow | FailedRow)[]> {
  return runEcho(context, GATEWAY_ECHO_CONTENDERS, false);
}
