import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOriginAllowed, validateOriginCheck } from '../../../src/handshake/origin-check.js';

describe('origin check', () => {
  test('true means same origin, and a request without Origin is allowed', () => {
    assert.equal(isOriginAllowed(true, 'http://localhost:3000', 'localhost:3000', '/'), true);
    assert.equal(isOriginAllowed(true, 'http://localhost:3001', 'localhost:3000', '/'), false);
    assert.equal(isOriginAllowed(true, 'http://evil.com', 'localhost:3000', '/'), false);
    assert.equal(isOriginAllowed(true, undefined, 'localhost:3000', '/'), true);
    assert.equal(isOriginAllowed(true, 'null', 'localhost:3000', '/'), false);
  });

  test('false allows any origin; a function decides', () => {
    assert.equal(isOriginAllowed(false, 'http://evil.com', 'x', '/'), true);
    assert.equal(
      isOriginAllowed(
        ({ origin, path }) => origin.endsWith('.ok') && path === '/p',
        'https://a.ok',
        'x',
        '/p',
      ),
      true,
    );
  });

  test('a list matches exact origins and wildcard subdomains only', () => {
    const list = ['https://app.example.com', 'https://*.example.org'];
    assert.equal(isOriginAllowed(list, 'https://app.example.com', 'h', '/'), true);
    assert.equal(isOriginAllowed(list, 'https://APP.example.com', 'h', '/'), true);
    assert.equal(isOriginAllowed(list, 'http://app.example.com', 'h', '/'), false);
    assert.equal(isOriginAllowed(list, 'https://a.b.example.org', 'h', '/'), true);
    assert.equal(isOriginAllowed(list, 'https://example.org', 'h', '/'), false);
    assert.equal(isOriginAllowed(list, 'https://evilexample.org', 'h', '/'), false);
  });

  test('validation names the malformed entry', () => {
    assert.throws(
      () => validateOriginCheck('websocket.checkOrigin', ['https://ok.com', '*.bad']),
      /websocket\.checkOrigin\[1\]/,
    );
    assert.doesNotThrow(() => validateOriginCheck('x', ['https://*.ok.com:8443']));
  });
});
