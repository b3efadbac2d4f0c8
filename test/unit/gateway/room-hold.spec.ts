import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomHold, isAfterOffset } from '../../../src/gateway/room-hold.js';

describe('room hold', () => {
  it('compares offsets by sequence within an epoch and lets another epoch through', () => {
    assert.equal(isAfterOffset('e1:10', 'e1:9'), true);
    assert.equal(isAfterOffset('e1:9', 'e1:10'), false);
    assert.equal(isAfterOffset('e1:10', 'e1:10'), false);
    assert.equal(isAfterOffset('e2:1', 'e1:10'), true);
    assert.equal(isAfterOffset(undefined, 'e1:1'), true);
  });

  it('keeps only events of held rooms and releases those after the offset, in order', () => {
    const hold = new RoomHold();
    hold.hold('lobby');
    assert.equal(hold.keep({ event: 'a', room: 'attic', offset: 'e:1' }), false);
    assert.equal(hold.keep({ event: 'b' }), false);
    for (const seq of [4, 5, 6]) {
      assert.equal(hold.keep({ event: 'm', room: 'lobby', offset: `e:${seq}` }), true);
    }
    assert.deepEqual(
      hold.release('lobby', 'e:4').map((envelope) => envelope.offset),
      ['e:5', 'e:6'],
    );
    assert.equal(hold.active, false);
    assert.equal(hold.keep({ event: 'm', room: 'lobby', offset: 'e:7' }), false);
  });
});
