import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveStreamingConfig } from '../../../src/config/resolve-config.js';
import { InvalidConfigError } from '../../../src/errors/invalid-config.error.js';

describe('resolveStreamingConfig', () => {
  test('fills safe defaults', () => {
    const config = resolveStreamingConfig();
    assert.equal(config.websocket.maxMessageSize, 65_536);
    assert.equal(config.websocket.checkOrigin, true);
    assert.equal(config.websocket.perMessageDeflate, false);
    assert.ok(config.websocket.pingPeriod > 0);
    assert.equal(config.slowConsumer, 'drop-oldest');
    assert.equal(config.webTransport.enabled, false);
  });

  test('keeps given values and ignores undefined ones', () => {
    const config = resolveStreamingConfig({
      websocket: { maxMessageSize: 10, pingPeriod: undefined },
    });
    assert.equal(config.websocket.maxMessageSize, 10);
    assert.equal(config.websocket.pingPeriod, 30_000);
  });

  const invalid: [string, Parameters<typeof resolveStreamingConfig>[0], string][] = [
    ['a negative buffer', { websocket: { writeBufferSize: -5 } }, 'websocket.writeBufferSize'],
    ['a fractional limit', { sse: { maxConnections: 1.5 } }, 'sse.maxConnections'],
    ['NaN', { sse: { historySize: Number.NaN } }, 'sse.historySize'],
    ['an unknown policy', { slowConsumer: 'drop-all' as never }, 'slowConsumer'],
    ['a malformed origin', { websocket: { checkOrigin: ['ftp://x'] } }, 'websocket.checkOrigin[0]'],
    ['a non-list origin', { sse: { checkOrigin: 'yes' as never } }, 'sse.checkOrigin'],
    ['an unknown http3 mode', { webTransport: { http3: 'maybe' as never } }, 'webTransport.http3'],
    ['a cert without a key', { webTransport: { cert: 'PEM' } }, 'webTransport.cert'],
    ['a non-function middleware', { middleware: ['x' as never] }, 'middleware'],
    ['a URL as an allowed host', { allowedHosts: ['http://x.test'] }, 'allowedHosts[0]'],
    ['an empty host list', { allowedHosts: [] }, 'allowedHosts'],
  ];
  for (const [name, config, field] of invalid) {
    test(`${name} is refused, naming ${field}`, () => {
      assert.throws(
        () => resolveStreamingConfig(config),
        (error: unknown) => error instanceof InvalidConfigError && error.field === field,
      );
    });
  }
});
