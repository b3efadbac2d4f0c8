import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomPositions } from '../../../src/client/room-positions.js';

describe('RoomPositions', () => {
  test('an event stamped earlier but arriving later (another instance) is kept, not taken for a duplicate', () => {
    const positions = new RoomPositions();
    assert.equal(positions.accept('r', 'e1:2'), true);
    assert.equal(positions.accept('r', 'e1:1'), true, 'the earlier-stamped event was dropped');
    assert.deepEqual(positions.snapshot(), { r: 'e1:2' }, 'the position is the newest offset');
  });

  test('an offset received twice is a duplicate', () => {
    const positions = new RoomPositions();
    assert.equal(positions.accept('r', 'e1:1'), true);
    assert.equal(positions.accept('r', 'e1:2'), true);
    assert.equal(positions.accept('r', 'e1:1'), false);
    assert.equal(positions.accept('r', 'e1:2'), false);
    assert.equal(positions.accept('other', 'e1:1'), true, 'rooms are separate');
  });

  test('forget starts the room afresh; a new epoch moves the position', () => {
    const positions = new RoomPositions();
    positions.accept('r', 'e1:5');
    positions.forget('r');
    assert.equal(positions.accept('r', 'e1:5'), true);
    assert.equal(positions.accept('r', 'e2:1'), true);
    assert.equal(positions.recoverQuery(), 'r@e2:1');
  });
});
