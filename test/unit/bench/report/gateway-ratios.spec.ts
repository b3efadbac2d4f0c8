import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeGatewayRatios } from '../../../../bench/report/gateway-ratios.js';
import type { EchoRow } from '../../../../bench/scenarios/echo.scenario.js';
import type { GatewayBroadcastRow } from '../../../../bench/scenarios/gateway-broadcast.scenario.js';

function echoRow(contender: EchoRow['contender'], perCpu: number[]): EchoRow {
  return {
    contender,
    clients: 100,
    rounds: perCpu.length,
    roundTrips: 1,
    roundTripsPerSec: perCpu[0],
    roundTripSpread: 0,
    roundTripsPerServerCpuSec: perCpu[0],
    p50Ms: 0.1,
    p99Ms: 0.2,
    roundRates: perCpu,
    roundRatesPerCpu: perCpu,
  };
}

function fanRow(contender: GatewayBroadcastRow['contender'], perCpu: number): GatewayBroadcastRow {
  return {
    contender,
    clients: 500,
    payloadBytes: 60,
    frameBytes: 94,
    broadcasts: 1,
    deliveries: 500,
    lost: 0,
    deliveriesPerSec: perCpu / 2,
    deliveriesPerServerCpuSec: perCpu,
    serverCpuShare: 0.5,
    p99Ms: 1,
  };
}

test('request/reply is compared per server CPU-second, round by round, with both peers', () => {
  const checks = computeGatewayRatios({
    gatewayEcho: [
      echoRow('forge-gateway', [300, 200, 300]),
      echoRow('socket.io-ack', [100, 200, 150]),
      echoRow('nest-chat', [200, 200, 200]),
    ],
  });
  const of = (description: string) => checks.find((c) => c.description === description);
  assert.equal(of('vs Socket.IO acks')?.value, 2);
  assert.equal(of('vs Socket.IO acks')?.pass, true);
  assert.equal(of('vs NestJS @SubscribeMessage')?.value, 1.5);
  assert.equal(of('vs NestJS @SubscribeMessage')?.scenario, 'gateway request/reply, 100 clients');
});

test('the event broadcast is held to 0.9× raw ws frame-once, and a missing side is n/a', () => {
  const [perCpu, perSec] = computeGatewayRatios({
    gatewayBroadcast: [fanRow('forge-gateway', 850), fanRow('ws-frame-once', 1000)],
  });
  assert.equal(perCpu.value, 0.85);
  assert.equal(perCpu.pass, false);
  assert.equal(perSec.metric, 'deliveries/s');
  const [alone] = computeGatewayRatios({ gatewayBroadcast: [fanRow('forge-gateway', 850)] });
  assert.equal(alone.value, null);
  assert.equal(alone.pass, null);
});
