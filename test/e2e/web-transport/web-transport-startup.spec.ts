import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import {
  MissingDependencyError,
  WebTransportRoute,
  WebTransportServerInfo,
  type WebTransportSession,
} from '../../../src/index.js';
import { loadWebTransportLibrary } from '../../../src/transports/web-transport/load-web-transport-library.js';
import { webTransportModule } from './web-transport-fixture.js';

@Controller()
class NoopController {
  @WebTransportRoute('/wt/noop')
  noop(_session: WebTransportSession): void {}
}

test('starting WebTransport without the HTTP/3 addon prints nothing to the console', async () => {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('./start-quietly.fixture.js', import.meta.url))],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(child.status, 0, `the app failed: ${child.stderr}`);
  assert.equal(child.stderr, '', `unexpected stderr: ${child.stderr}`);
  const lines = child.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `unexpected stdout: ${child.stdout}`);
  assert.match(lines[0], /^MARKER /);
  const seen = JSON.parse(lines[0].slice('MARKER '.length)) as {
    port: number;
    transports: string[];
  };
  assert.ok(seen.port > 0, 'the server did not report a bound port');
  const loaded = await loadWebTransportLibrary();
  if (!loaded.http3Available) assert.deepEqual(seen.transports, ['http2', 'websocket']);
});

test("http3: 'required' fails start-up naming the addon package when it cannot load", async (t) => {
  const loaded = await loadWebTransportLibrary();
  if (loaded.http3Available) {
    t.skip('the HTTP/3 addon is installed here, so start-up cannot fail');
    return;
  }
  const app = await NestFactory.create(
    webTransportModule([NoopController], { webTransport: { http3: 'required' } }),
    { logger: false },
  );
  await assert.rejects(app.init(), (error: unknown) => {
    assert.ok(error instanceof MissingDependencyError, `got ${String(error)}`);
    assert.match(error.message, /@fails-components\/webtransport-transport-http3-quiche/);
    return true;
  });
  await app.close();
});

test('without a configured certificate a development certificate is generated and its SHA-256 hash exposed', async () => {
  const app = await NestFactory.create(webTransportModule([NoopController]), { logger: false });
  await app.init();
  const info = app.get(WebTransportServerInfo);
  const hash = info.certificateHash();
  assert.equal(hash.algorithm, 'sha-256');
  assert.match(hash.value, /^[0-9a-f]{64}$/);
  assert.equal(info.certificateGenerated, true);
  await app.close();
});

test('a session over HTTP/3', async (t) => {
  const loaded = await loadWebTransportLibrary();
  if (!loaded.http3Available) {
    const reason = `skipped: HTTP/3 cannot be exercised here (${loaded.http3Problem})`;
    console.log(reason);
    t.skip(reason);
    return;
  }
  assert.fail('HTTP/3 is available but no HTTP/3 test is written for this machine');
});
