import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import {
  certificateFromPem,
  generateDevelopmentCertificate,
} from '../../../../src/transports/web-transport/web-transport-certificate.js';
import { flowControlWindows } from '../../../../src/transports/web-transport/web-transport-flow-control.js';
import {
  addressOfPeer,
  handshakeRequestFromSessionHeader,
  kindOfProtocol,
} from '../../../../src/transports/web-transport/web-transport-request.js';

const DAY = 24 * 60 * 60 * 1000;

test('a development certificate is ECDSA P-256, valid under 14 days, with loopback names and the host', async () => {
  const generated = await generateDevelopmentCertificate('wt.example.test');
  const cert = new X509Certificate(generated.cert);
  assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const validity = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
  assert.ok(validity < 14 * DAY, `valid for ${validity / DAY} days`);
  assert.ok(Date.parse(cert.validTo) > Date.now() + 12 * DAY);
  const san = cert.subjectAltName ?? '';
  for (const name of [
    'DNS:localhost',
    'IP Address:127.0.0.1',
    'IP Address:0:0:0:0:0:0:0:1',
    'DNS:wt.example.test',
  ]) {
    assert.ok(san.includes(name), `${name} missing from ${san}`);
  }
  assert.ok(cert.checkPrivateKey(createPrivateKey(generated.privateKey)), 'key does not match');
  assert.equal(generated.sha256, createHash('sha256').update(cert.raw).digest('hex'));
});

test('a configured certificate is used as given and its hash computed', async () => {
  const generated = await generateDevelopmentCertificate('127.0.0.1');
  const configured = certificateFromPem(generated.cert, generated.privateKey);
  assert.equal(configured.sha256, generated.sha256);
  assert.equal(configured.generated, false);
  assert.throws(() => certificateFromPem('not a certificate', 'x'), /webTransport.cert/);
});

test('flow-control windows are at least 1 MiB per stream and 4 MiB per session', () => {
  const small = flowControlWindows({ bufferSize: 16 * 1024, maxStreams: 10 });
  assert.equal(small.initialStreamFlowControlWindow, 1024 * 1024);
  assert.equal(small.initialSessionFlowControlWindow, 4 * 1024 * 1024);
  const large = flowControlWindows({ bufferSize: 8 * 1024 * 1024, maxStreams: 500 });
  assert.equal(large.initialStreamFlowControlWindow, 8 * 1024 * 1024);
  assert.ok(large.initialSessionFlowControlWindow >= 4 * large.initialStreamFlowControlWindow);
  assert.ok(large.streamFlowControlWindowSizeLimit >= large.initialStreamFlowControlWindow);
  assert.equal(large.initialBidirectionalStreams, 501);
});

test('a session request becomes a CONNECT handshake request with path, query, host and ip', () => {
  const request = handshakeRequestFromSessionHeader(
    {
      ':path': '/wt/rooms/a?token=x',
      ':authority': '127.0.0.1:4433',
      ':method': 'CONNECT',
      origin: 'https://app',
    },
    '::1:50123',
    { room: 'a' },
  );
  assert.equal(request.method, 'CONNECT');
  assert.equal(request.path, '/wt/rooms/a');
  assert.deepEqual(request.query, { token: 'x' });
  assert.equal(request.headers.host, '127.0.0.1:4433');
  assert.equal(request.headers[':path'], undefined);
  assert.equal(request.ip, '::1');
  assert.equal(addressOfPeer('127.0.0.1:9'), '127.0.0.1');
  assert.equal(kindOfProtocol('capsule'), 'http2');
  assert.equal(kindOfProtocol('websocketoverhttp1'), 'websocket');
  assert.equal(kindOfProtocol('http3'), 'http3');
});
