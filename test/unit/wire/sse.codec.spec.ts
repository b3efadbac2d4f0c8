import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { OutboundMessage } from '../../../src/connection/outbound-message.js';
import { StreamEvent } from '../../../src/connection/stream-event.js';
import { broadcastBody, broadcastChunk } from '../../../src/transports/sse/sse-broadcast-body.js';
import { SseFieldError } from '../../../src/errors/sse-field.error.js';
import {
  assertSseField,
  encodeSseBody,
  encodeSseChunk,
  encodeSseComment,
  encodeSseData,
  ssePayloadText,
} from '../../../src/wire/sse.codec.js';

function parse(stream: string): { events: EventSourceMessage[]; comments: string[] } {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onComment: (comment) => comments.push(comment),
  });
  parser.feed(stream);
  return { events, comments };
}

function roundTrip(event: string | undefined, data: string, id = '7'): EventSourceMessage {
  const chunk = encodeSseChunk(id, encodeSseBody(event, encodeSseData(data)));
  const { events } = parse(chunk);
  assert.equal(events.length, 1, `one event from ${JSON.stringify(chunk.slice(0, 80))}`);
  return events[0];
}

describe('SSE encoder', () => {
  const tricky: [string, string, string][] = [
    ['plain text', 'hello', 'hello'],
    ['LF newlines', 'a\nb\n\nc', 'a\nb\n\nc'],
    ['CRLF newlines (normalized to LF)', 'a\r\nb\r\nc', 'a\nb\nc'],
    ['lone CR (normalized to LF)', 'a\rb', 'a\nb'],
    ['a trailing newline', 'end\n', 'end\n'],
    ['unicode', 'héllo 🌍 日本 \u2028 ok', 'héllo 🌍 日本 \u2028 ok'],
    ['an empty string', '', ''],
    ['a leading space', ' spaced', ' spaced'],
    ['field-like lines', 'id: 9\nevent: x\nretry: 1', 'id: 9\nevent: x\nretry: 1'],
    ['a colon first', ':not a comment', ':not a comment'],
  ];
  for (const [name, input, expected] of tricky) {
    test(`data with ${name} round-trips through eventsource-parser`, () => {
      const event = roundTrip('e', input);
      assert.equal(event.data, expected);
      assert.equal(event.event, 'e');
      assert.equal(event.id, '7');
    });
  }

  test('a 1 MiB payload round-trips intact', () => {
    const big = 'x'.repeat(512 * 1024) + '\n' + 'y'.repeat(512 * 1024);
    assert.equal(roundTrip('big', big).data, big);
  });

  test('an event without a name is a default message event', () => {
    assert.equal(roundTrip(undefined, 'd').event, undefined);
  });

  test('CR, LF or NUL in an event name or id is refused', () => {
    for (const value of ['a\nb', 'a\rb', 'a\r\nevent: x', 'nul\0']) {
      assert.throws(() => encodeSseBody(value, encodeSseData('x')), SseFieldError);
      assert.throws(() => assertSseField('id', value), SseFieldError);
    }
    assert.doesNotThrow(() => assertSseField('id', 'ok-1:2'));
  });

  test('objects are JSON-encoded and bytes base64-encoded', () => {
    assert.equal(ssePayloadText({ a: [1, 'b'] }), '{"a":[1,"b"]}');
    assert.equal(ssePayloadText(Buffer.from('hi')), 'aGk=');
    assert.equal(ssePayloadText(undefined), 'null');
  });

  test('comments are ignored by the parser, one per line', () => {
    const { events, comments } = parse(encodeSseComment('ping\nline two'));
    assert.equal(events.length, 0);
    assert.deepEqual(comments, ['ping', 'line two']);
  });

  test('a broadcast body and its chunk per id are built once and shared by every recipient', () => {
    const message = OutboundMessage.from(new StreamEvent('news', { n: 1 }));
    const first = broadcastChunk(message, 'r-1');
    assert.equal(broadcastChunk(message, 'r-1'), first);
    assert.equal(broadcastBody(message), 'event: news\ndata: {"n":1}\n\n');
    const other = broadcastChunk(message, 'r-2');
    assert.equal(other, 'id: r-2\nevent: news\ndata: {"n":1}\n\n');
    assert.equal(broadcastChunk(message, 'r-2'), other);
    const evil = OutboundMessage.from(new StreamEvent('a\nb', 1));
    assert.equal(broadcastChunk(evil, 'x'), undefined);
    assert.throws(() => broadcastBody(evil), SseFieldError);
  });
});
