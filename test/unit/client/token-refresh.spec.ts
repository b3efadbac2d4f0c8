import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { refreshDelayMs, tokenExpiryMs } from '../../../src/client/token-refresh.js';

describe('client token refresh timing', () => {
  it('reads exp from a real JWT without verifying it', async () => {
    const token = await new SignJWT({ name: 'ünïcode ~~~' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(1_900_000_123)
      .sign(new TextEncoder().encode('any secret'));
    assert.equal(tokenExpiryMs(token), 1_900_000_123_000);
  });

  it('gives undefined for tokens without a readable numeric exp', async () => {
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('s'));
    assert.equal(tokenExpiryMs(noExp), undefined);
    assert.equal(tokenExpiryMs('opaque-token'), undefined);
    assert.equal(tokenExpiryMs('a.!!!not base64!!!.c'), undefined);
    assert.equal(
      tokenExpiryMs(`a.${Buffer.from('{"exp":"soon"}').toString('base64url')}.c`),
      undefined,
    );
    assert.equal(tokenExpiryMs(`a.${Buffer.from('[1,2').toString('base64url')}.c`), undefined);
  });

  it('refreshes 10 % before expiry, at least 5 s before, never earlier than half-way', () => {
    assert.equal(refreshDelayMs(3_600_000, 0), 3_240_000);
    assert.equal(refreshDelayMs(30_000, 0), 25_000);
    assert.equal(refreshDelayMs(2_000, 0), 1_000);
    assert.equal(refreshDelayMs(10_000, 4_000), 3_000);
  });

  it('uses a configured lead, and refreshes at once when the lead or expiry has passed', () => {
    assert.equal(refreshDelayMs(10_000, 0, 2_500), 7_500);
    assert.equal(refreshDelayMs(10_000, 0, 20_000), 0);
    assert.equal(refreshDelayMs(10_000, 12_000), 0);
  });
});
