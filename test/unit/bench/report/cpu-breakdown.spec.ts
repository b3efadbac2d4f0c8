import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdownOf, busyMs, type CpuProfile } from '../../../../bench/report/cpu-breakdown.js';

function frame(id: number, functionName: string, url: string) {
  return { id, callFrame: { functionName, url, lineNumber: 0 } };
}

test('a CPU profile is split into idle, own code, ws, Node.js, native and GC time', () => {
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', ''),
      frame(2, '(idle)', ''),
      frame(3, 'onMessage', 'file:///app/dist/src/transports/web-socket/web-socket.connection.js'),
      frame(4, 'consume', 'file:///app/node_modules/ws/lib/receiver.js'),
      frame(5, 'onStreamRead', 'node:internal/stream_base_commons'),
      frame(6, 'writev', ''),
      frame(7, '(garbage collector)', ''),
      frame(8, 'intercept', 'file:///app/node_modules/@nestjs/core/interceptors/consumer.js'),
    ],
    samples: [2, 3, 4, 5, 6, 7, 8, 2],
    timeDeltas: [1000, 200, 300, 400, 500, 600, 700, 1000],
  };
  const breakdown = breakdownOf(profile);
  assert.deepEqual(breakdown, {
    sampledMs: 4.7,
    idleMs: 2,
    frameworkMs: 0.9,
    wsMs: 0.3,
    nodeMs: 0.4,
    nativeMs: 0.5,
    gcMs: 0.6,
  });
  assert.equal(Math.round(busyMs(breakdown) * 10) / 10, 2.7);
});
