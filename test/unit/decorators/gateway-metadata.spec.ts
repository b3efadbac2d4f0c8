import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OnConnect, OnDisconnect } from '../../../src/decorators/on-connection.decorator.js';
import { OnMessage } from '../../../src/decorators/on-message.decorator.js';
import { StreamingGateway } from '../../../src/decorators/streaming-gateway.decorator.js';
import {
  readGatewayHandlers,
  readGatewayMetadata,
} from '../../../src/decorators/gateway-metadata.js';

@StreamingGateway('/ws/rooms/:room')
class ChatGateway {
  @OnConnect()
  joined(): void {}

  @OnMessage('chat.send')
  send(): string {
    return 'ok';
  }

  @OnDisconnect()
  left(): void {}

  plain(): void {}
}

describe('gateway metadata', () => {
  it('records the gateway path and default options', () => {
    assert.deepEqual(readGatewayMetadata(ChatGateway), { path: '/ws/rooms/:room', options: {} });
    assert.equal(readGatewayMetadata(class {}), undefined);
  });

  it('lists message, connect and disconnect handlers and skips plain methods', () => {
    assert.deepEqual(readGatewayHandlers(ChatGateway.prototype), [
      { methodName: 'joined', kind: 'connect' },
      { methodName: 'send', kind: 'message', event: 'chat.send' },
      { methodName: 'left', kind: 'disconnect' },
    ]);
  });
});
