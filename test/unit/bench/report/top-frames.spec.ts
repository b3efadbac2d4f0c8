import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topSelfFrames } from '../../../../bench/report/top-frames.js';

const frame = (id: number, functionName: string, url = '', lineNumber = 0) => ({
  id,
  callFrame: { functionName, url, lineNumber },
});

test('functions are ranked by self time, idle left out of the ranking and of the shares', () => {
  const profile = {
    nodes: [
      frame(1, '(idle)'),
      frame(2, 'writeBuffer'),
      frame(3, 'decode', 'file:///repo/dist/src/wire/envelope-codec.js', 7),
      frame(4, 'consume', 'file:///repo/node_modules/ws/lib/receiver.js', 126),
    ],
    samples: [1, 2, 2, 3, 4, 2, 1, 3],
    timeDeltas: [5000, 300, 300, 200, 100, 400, 5000, 200],
  };
  assert.deepEqual(topSelfFrames(profile, 2), [
    { frame: 'writeBuffer', selfMs: 1, share: 0.667 },
    { frame: 'decode src/wire/envelope-codec.js:8', selfMs: 0.4, share: 0.267 },
  ]);
  assert.equal(topSelfFrames(profile, 5)[2].frame, 'consume ws/lib/receiver.js:127');
});
