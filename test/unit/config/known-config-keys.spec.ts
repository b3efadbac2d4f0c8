import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveStreamingConfig } from '../../../src/config/resolve-config.js';
import { InvalidConfigError } from '../../../src/errors/invalid-config.error.js';
import type { StreamingConfig } from '../../../src/interfaces/streaming-config.interface.js';

describe('unknown config keys', () => {
  test('a typo in a section names the key and suggests the right one', () => {
    const config = { websocket: { pingPerod: 1000 } } as unknown as StreamingConfig;
    assert.throws(() => resolveStreamingConfig(config), {
      name: InvalidConfigError.name,
      field: 'websocket.pingPerod',
      message: /did you mean websocket\.pingPeriod/,
    });
  });

  test('an unknown top-level key is rejected', () => {
    const config = { shutdownTimout: 10 } as unknown as StreamingConfig;
    assert.throws(() => resolveStreamingConfig(config), {
      name: InvalidConfigError.name,
      field: 'shutdownTimout',
      message: /did you mean shutdownTimeout/,
    });
  });

  test('every documented key is accepted', () => {
    assert.doesNotThrow(() =>
      resolveStreamingConfig({
        websocket: { pingPeriod: 1000 },
        sse: { heartbeatInterval: 0 },
        webTransport: { idleTimeout: 0 },
        shutdownTimeout: 10,
      }),
    );
  });
});
