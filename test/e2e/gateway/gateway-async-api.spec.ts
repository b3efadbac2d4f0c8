import 'reflect-metadata';
import { Parser } from '@asyncapi/parser';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StreamingAsyncApi } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { RoomGateway } from './fixtures.js';

describe('AsyncAPI document of the gateways', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({ providers: [RoomGateway] });
  });
  after(async () => {
    await app.close();
  });

  it('is a valid AsyncAPI 3.0 document for @asyncapi/parser, with zero errors', async () => {
    const document = await StreamingAsyncApi.document(app.app, {
      title: 'Rooms',
      version: '2.0.0',
    });
    const diagnostics = await new Parser().validate(JSON.stringify(document));
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    assert.deepEqual(
      errors.map((error) => `${error.path.join('.')}: ${error.message}`),
      [],
    );
  });

  it('has a channel per gateway path with its parameters and an operation per event', async () => {
    const document = await StreamingAsyncApi.document(app.app);
    const channel = document.channels.RoomGateway as {
      address: string;
      parameters: Record<string, unknown>;
      messages: Record<string, unknown>;
    };
    assert.equal(channel.address, '/ws/rooms/{room}');
    assert.deepEqual(Object.keys(channel.parameters), ['room']);
    const operations = document.operations as Record<string, { action: string }>;
    assert.equal(operations['RoomGateway.receive.chat.send'].action, 'receive');
    assert.equal(operations['RoomGateway.send.note'].action, 'send');
    assert.equal(operations['RoomGateway.send.$error'], undefined);
    assert.equal(operations['RoomGateway.send._error'].action, 'send');
  });

  it('takes payload schemas from the class-validator decorators of the DTOs', async () => {
    const document = await StreamingAsyncApi.document(app.app);
    const message = document.components.messages['RoomGateway.receive.chat.send'] as {
      payload: { properties: { data: unknown } };
    };
    assert.deepEqual(message.payload.properties.data, {
      $ref: '#/components/schemas/SendMessageDto',
    });
    const schema = document.components.schemas.SendMessageDto as {
      properties: { text: Record<string, unknown> };
      required: string[];
    };
    assert.equal(schema.properties.text.type, 'string');
    assert.equal(schema.properties.text.maxLength, 20);
    assert.deepEqual(schema.required, ['text']);
  });
});
