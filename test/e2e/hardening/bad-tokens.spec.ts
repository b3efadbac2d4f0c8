import 'reflect-metadata';
import { Controller, UseGuards } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, SignJWT } from 'jose';
import {
  SseRoute,
  StreamingJwtGuard,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';

// Also covered, in test/e2e/web-socket/guards.spec.ts: missing, expired, forged (other secret)
// and malformed tokens in the query; closing on expiry (4401) in auth/token-expiry.spec.ts.

const SECRET = 'hardening-secret-of-sufficient-length';

@Controller()
@UseGuards(StreamingJwtGuard)
class ProtectedController {
  @WebSocketRoute('me')
  me(conn: WebSocketConnection): Promise<void> {
    return conn.send(String(conn.userId));
  }

  @SseRoute('feed')
  feed(ctx: SseContext): void {
    void ctx.writeSSE('hello', { user: ctx.userId });
    ctx.keepOpen();
  }
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'mallory', iat: now, exp: now + 300 };
}

async function hs(alg: string, secret = SECRET): Promise<string> {
  return new SignJWT(claims()).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

/** The bad tokens, each with how it is bad. */
async function badTokens(): Promise<[string, string][]> {
  const { privateKey } = await generateKeyPair('RS256');
  const rs256 = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
  const valid = await hs('HS256');
  const [header, payload] = valid.split('.');
  const tampered = `${header}.${encode({ ...claims(), sub: 'admin' })}.${valid.split('.')[2]}`;
  return [
    ['alg none, no signature', `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims())}.`],
    [
      'alg none with the signature kept',
      `${encode({ alg: 'none' })}.${payload}.${valid.split('.')[2]}`,
    ],
    ['HS512 with the right secret (algorithm not allowed)', await hs('HS512')],
    ['RS256 signed by an unknown key', rs256],
    ['HS256 with another secret', await hs('HS256', 'another-secret-of-sufficient-length')],
    ['payload changed after signing', tampered],
    [
      'not before in the future',
      await new SignJWT({ ...claims(), nbf: Number(claims().exp) })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(SECRET)),
    ],
    ['three dots of garbage', 'a.b.c'],
    ['an empty token', ''],
    ['header only', header],
  ];
}

describe('bad tokens → 401 before any upgrade or event', () => {
  let app: StreamingTestApp;
  let tokens: [string, string][];
  before(async () => {
    app = await createStreamingTestApp({
      controllers: [ProtectedController],
      config: { jwt: { secret: SECRET } },
    });
    tokens = await badTokens();
  });
  after(async () => {
    await app.close();
  });

  test('the control case: a good token is accepted in the query, the subprotocol and the header', async () => {
    const good = await hs('HS256');
    await app.test().webSocket(`/me?access_token=${good}`).expectMessage('mallory').close();
    await app
      .test()
      .webSocket('/me', { protocols: ['access_token', good] })
      .expectMessage('mallory')
      .close();
    await app
      .test()
      .webSocket('/me', { headers: { Authorization: `Bearer ${good}` } })
      .expectMessage('mallory')
      .close();
  });

  test('every bad token is refused with 401 in the query, the subprotocol and the Authorization header', async () => {
    const before = app.manager.getStats().rejected.auth;
    let attempts = 0;
    for (const [name, token] of tokens) {
      const query = encodeURIComponent(token);
      await app.test().webSocket(`/me?access_token=${query}`).expectRejected(401);
      await app
        .test()
        .webSocket('/me', { headers: { Authorization: `Bearer ${token}` } })
        .expectRejected(401);
      attempts += 2;
      // A subprotocol must be a token (RFC 7230): the client cannot even send an empty one.
      if (/^[A-Za-z0-9._~-]+$/.test(token)) {
        await app
          .test()
          .webSocket('/me', { protocols: ['access_token', token] })
          .expectRejected(401);
        attempts += 1;
      }
      assert.equal(app.manager.getStats().activeConnections, 0, `${name} opened a connection`);
    }
    assert.equal(app.manager.getStats().rejected.auth - before, attempts);
  });

  test('an SSE stream with a bad token gets 401 and no event', async () => {
    for (const [, token] of tokens) {
      await app
        .test()
        .sse(`/feed?access_token=${encodeURIComponent(token)}`)
        .expectStatus(401)
        .close();
    }
  });
});
