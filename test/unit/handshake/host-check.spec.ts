import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostAllowed, validateAllowedHosts } from '../../../src/handshake/host-check.js';
import { isOriginAllowed } from '../../../src/handshake/origin-check.js';
import { InvalidConfigError } from '../../../src/errors/invalid-config.error.js';

describe('host check', () => {
  test('an entry without a port allows every port of that name, case-insensitively', () => {
    const hosts = ['app.example.com'];
    assert.equal(isHostAllowed(hosts, 'app.example.com'), true);
    assert.equal(isHostAllowed(hosts, 'APP.example.com:8443'), true);
    assert.equal(isHostAllowed(hosts, 'app.example.com.'), true);
    assert.equal(isHostAllowed(hosts, 'evil.example.com'), false);
    assert.equal(isHostAllowed(hosts, 'app.example.com.evil.test'), false);
  });

  test('an entry with a port allows that port only', () => {
    const hosts = ['localhost:3000'];
    assert.equal(isHostAllowed(hosts, 'localhost:3000'), true);
    assert.equal(isHostAllowed(hosts, 'localhost:3001'), false);
    assert.equal(isHostAllowed(hosts, 'localhost'), false);
  });

  test('a wildcard allows subdomains, not the name itself', () => {
    const hosts = ['*.example.com'];
    assert.equal(isHostAllowed(hosts, 'a.example.com'), true);
    assert.equal(isHostAllowed(hosts, 'a.b.example.com:443'), true);
    assert.equal(isHostAllowed(hosts, 'example.com'), false);
    assert.equal(isHostAllowed(hosts, 'badexample.com'), false);
  });

  test('IPv6 literals match in brackets', () => {
    assert.equal(isHostAllowed(['[::1]'], '[::1]:3000'), true);
    assert.equal(isHostAllowed(['[::1]:3000'], '[::1]:3001'), false);
  });

  test('a missing, empty or malformed Host is never allowed', () => {
    const hosts = ['localhost'];
    assert.equal(isHostAllowed(hosts, undefined), false);
    assert.equal(isHostAllowed(hosts, ''), false);
    assert.equal(isHostAllowed(hosts, 'localhost:abc'), false);
    assert.equal(isHostAllowed(hosts, 'localhost:3000:1'), false);
    assert.equal(isHostAllowed(hosts, 'user@localhost'), false);
  });

  test('validation names the bad entry', () => {
    validateAllowedHosts('allowedHosts', undefined);
    validateAllowedHosts('allowedHosts', [
      'localhost',
      'a.b:80',
      '*.x.io',
      '[::1]:3000',
      '127.0.0.1',
    ]);
    assert.throws(() => validateAllowedHosts('allowedHosts', []), InvalidConfigError);
    assert.throws(() => validateAllowedHosts('allowedHosts', 'localhost'), InvalidConfigError);
    assert.throws(
      () => validateAllowedHosts('allowedHosts', ['ok.test', 'http://bad.test']),
      /allowedHosts\[1\].*http:\/\/bad\.test/,
    );
    assert.throws(() => validateAllowedHosts('allowedHosts', ['*']), /allowedHosts\[0\]/);
  });

  test('with allowed hosts the same-origin rule compares the Origin with them, not with Host', () => {
    const hosts = ['app.example.com'];
    const rebound = 'rebind.attacker.test:3000';
    assert.equal(isOriginAllowed(true, `http://${rebound}`, rebound, '/'), true);
    assert.equal(isOriginAllowed(true, `http://${rebound}`, rebound, '/', hosts), false);
    assert.equal(
      isOriginAllowed(true, 'https://app.example.com', 'app.example.com:443', '/', hosts),
      true,
    );
    assert.equal(isOriginAllowed(true, undefined, rebound, '/', hosts), true);
    assert.equal(isOriginAllowed(true, 'null', 'app.example.com', '/', hosts), false);
  });
});
