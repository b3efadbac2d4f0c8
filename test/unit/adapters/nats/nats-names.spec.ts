import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NatsNames, token, untoken } from '../../../../src/adapters/nats/nats-names.js';

/** What NATS accepts in one subject token / KV key token. */
const TOKEN = /^[A-Za-z0-9_-]+$/;
/** What a stream name may contain (no `.`, `*`, `>`, whitespace or path separators). */
const STREAM = /^[A-Za-z0-9_-]+$/;

const awkward = ['', 'lobby', 'a.b', 'a b', '*', '>', 'room:1/2\\3', 'ünïcødé 🎉', '_', '-'];

test('any name becomes one safe token, and back', () => {
  const seen = new Set<string>();
  for (const name of awkward) {
    const encoded = token(name);
    assert.match(encoded, TOKEN, name);
    assert.equal(untoken(encoded), name);
    assert.ok(!seen.has(encoded), `distinct token for ${JSON.stringify(name)}`);
    seen.add(encoded);
  }
});

test('room subjects are one token under the prefix, distinct per room', () => {
  const names = new NatsNames('app');
  const subjects = awkward.map((room) => names.room(room));
  assert.equal(new Set(subjects).size, awkward.length);
  for (const subject of subjects) {
    const [prefix, kind, encoded, ...rest] = subject.split('.');
    assert.deepEqual([prefix, kind, rest], ['app', 'room', []]);
    assert.match(encoded!, TOKEN);
  }
  assert.ok(!names.room('x').startsWith(names.broadcast));
  assert.notEqual(names.instance('a'), names.instance('b'));
});

test('stream and bucket names are valid and stay short for long routes', () => {
  const names = new NatsNames('my-app');
  for (const route of ['/feed', `/${'x'.repeat(500)}`, '/a.b/*/>']) {
    assert.match(names.sseStream(route), STREAM);
    assert.ok(names.sseStream(route).length <= 40);
    assert.equal(names.sseSubject(route).split('.').length, 3);
  }
  assert.notEqual(names.sseStream('/a'), names.sseStream('/b'));
  assert.match(names.roomHistoryStream, STREAM);
  assert.match(names.liveBucket, /^[A-Za-z0-9_-]+$/);
  assert.match(names.registryBucket, /^[A-Za-z0-9_-]+$/);
});

test('registry keys keep rooms, connections and instances apart', () => {
  const names = new NatsNames('p');
  assert.ok(names.memberKey('r', 'c').startsWith(names.membersOf('r').slice(0, -1)));
  assert.ok(!names.memberKey('r2', 'c').startsWith(names.membersOf('r').slice(0, -1)));
  assert.ok(names.connectionKey('i', 'c').startsWith(names.connectionsOf('i').slice(0, -1)));
  assert.notEqual(names.indexKey('c'), names.connectionKey('i', 'c'));
  assert.ok(names.rosterKey('i').startsWith('r.'));
});
