import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadMessageBudget } from '../../../src/gateway/bad-message-budget.js';

describe('bad message budget', () => {
  it('allows `limit` bad frames per window and starts afresh in the next window', () => {
    const budget = new BadMessageBudget(2, 1000);
    assert.equal(budget.spend(10_000), true);
    assert.equal(budget.spend(10_100), true);
    assert.equal(budget.spend(10_200), false);
    assert.equal(budget.spend(11_000), true);
  });
});
