import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert, { AssertionError } from 'node:assert/strict';
import { WebTransportRoute, type WebTransportSession } from '../../../src/index.js';
import { WebTransportTestSession } from '../../../src/testing/web-transport-test-session.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
  echoBidirectionalStreams,
} from './web-transport-fixture.js';

@Controller('wt')
class EchoController {
  @WebTransportRoute('echo')
  async echo(session: WebTransportSession): Promise<void> {
    session.keepOpen();
    echoBidirectionalStreams(session);
    await session.sendMessage('welcome');
    for (;;) await session.sendMessage(await session.receiveMessage());
  }
}

describe('WebTransportTestSession', () => {
  let wt: WebTransportTestApp;
  before(async () => {
    wt = await startWebTransportApp(webTransportModule([EchoController]));
  });
  after(async () => {
    await wt.close();
  });

  const open = () =>
    new WebTransportTestSession(wt.url('/wt/echo'), {
      serverCertificateHashes: [wt.info.certificateHash()],
      timeoutMs: 3_000,
    });

  test('passes when messages and stream echoes match', async () => {
    await open()
      .connect()
      .expectMessage('welcome')
      .send('ping')
      .expectMessage('ping')
      .expectStreamEcho('stream data')
      .close();
  });

  test('throws an AssertionError naming expected and actual when a message differs', async () => {
    await assert.rejects(
      async () => {
        await open().expectMessage('welcome').send('ping').expectMessage('pong').close();
      },
      (error: unknown) => {
        assert.ok(error instanceof AssertionError);
        assert.match(error.message, /Expected message "pong", got "ping"/);
        return true;
      },
    );
  });
});
