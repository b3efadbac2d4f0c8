import 'reflect-metadata';
import {
  Controller,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamingManager,
  WebTransportRoute,
  type HandshakeRequest,
  type WebTransportSession,
} from '../../../src/index.js';
import { connectWebTransport } from '../../../src/client/index.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from './web-transport-fixture.js';
import { waitFor } from '../../support/wait-for.js';
import { http2SessionStatus, webSocketMappingStatus } from './web-transport-raw-request.js';

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HandshakeRequest>();
    const token = request.query.token;
    if (!token) throw new UnauthorizedException('token required');
    if (token !== 'good') throw new ForbiddenException('bad token');
    request.user = { sub: 'user-1' };
    return true;
  }
}

let handlerRuns = 0;

@Controller('wt')
class GuardedController {
  @UseGuards(new TokenGuard())
  @WebTransportRoute('private')
  async guarded(session: WebTransportSession): Promise<void> {
    handlerRuns += 1;
    await session.sendMessage(`hello ${session.userId ?? '?'}`);
    session.keepOpen();
  }

  @WebTransportRoute('limited', { maxConnections: 1 })
  limited(session: WebTransportSession): void {
    session.keepOpen();
  }
}

describe('WebTransport handshake', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  before(async () => {
    wt = await startWebTransportApp(webTransportModule([GuardedController]));
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await wt.close();
  });

  test('a guard refusal is HTTP 401/403 over HTTP/2 and no session is created', async () => {
    const runs = handlerRuns;
    assert.equal(await http2SessionStatus(wt.url('/wt/private')), 401);
    assert.equal(await http2SessionStatus(wt.url('/wt/private?token=bad')), 403);
    await assert.rejects(
      connectWebTransport(wt.url('/wt/private?token=bad'), {
        serverCertificateHashes: [wt.info.certificateHash()],
      }),
    );
    assert.equal(handlerRuns, runs);
    assert.equal(manager.getStats().byProtocol.webtransport, 0);
    assert.ok(manager.getStats().rejected.auth >= 3);
  });

  test('a guard refusal is HTTP 401/403 over the WebSocket mapping', async () => {
    assert.equal(await webSocketMappingStatus(wt.url('/wt/private')), 401);
    assert.equal(await webSocketMappingStatus(wt.url('/wt/private?token=bad')), 403);
    assert.equal(manager.getStats().byProtocol.webtransport, 0);
  });

  test('a guard that passes opens the session and sets the user', async () => {
    const client = await wt.connect('/wt/private?token=good');
    assert.equal(await client.receiveText(), 'hello user-1');
    client.close();
  });

  test('an unknown path is refused with 404', async () => {
    assert.equal(await http2SessionStatus(wt.url('/wt/nowhere')), 404);
  });

  test('maxConnections is enforced with 503', async () => {
    await waitFor(() => manager.getStats().byProtocol.webtransport === 0, 'earlier sessions');
    const first = await wt.connect('/wt/limited');
    await waitFor(() => manager.getStats().byProtocol.webtransport === 1, 'the first session');
    assert.equal(await http2SessionStatus(wt.url('/wt/limited')), 503);
    await assert.rejects(
      connectWebTransport(wt.url('/wt/limited'), {
        serverCertificateHashes: [wt.info.certificateHash()],
      }),
    );
    assert.equal(manager.getStats().byProtocol.webtransport, 1);
    first.close();
    await waitFor(() => manager.getStats().byProtocol.webtransport === 0, 'the session to close');
    const again = await wt.connect('/wt/limited');
    await waitFor(() => manager.getStats().byProtocol.webtransport === 1, 'a new session');
    again.close();
  });
});
