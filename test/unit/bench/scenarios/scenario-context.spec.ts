import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, rotated, spreadOf } from '../../../../bench/scenarios/scenario-context.js';

test('median of odd and even counts, independent of order', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

test('spread is highest minus lowest over the median', () => {
  assert.equal(spreadOf([90, 100, 110]), 0.2);
  assert.equal(spreadOf([5, 5, 5]), 0);
});

test('rotated starts each round one contender later, so none is always first', () => {
  const ids = ['a', 'b', 'c'];
  assert.deepEqual(rotated(ids, 0), ['a', 'b', 'c']);
  assert.deepEqual(rotated(ids, 1), ['b', 'c', 'a']);
  assert.deepEqual(rotated(ids, 2), ['c', 'a', 'b']);
  assert.deepEqual(rotated(ids, 3), ['a', 'b', 'c']);
  assert.deepEqual(rotated(new Map([[1, 'x']]), 5), [[1, 'x']]);
  assert.deepEqual(rotated([], 2), []);
});
