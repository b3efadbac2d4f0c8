import 'reflect-metadata';
import {
  Controller,
  Injectable,
  Module,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import {
  ForgeStreamingModule,
  InvalidConfigError,
  StreamingJwtGuard,
  StreamingRateLimit,
  StreamingRateLimitGuard,
  WebSocketRoute,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp } from '../../../src/testing/index.js';
import { Test } from '@nestjs/testing';

const SECRET = 'test-secret-of-sufficient-length';

async function token(
  sub: string,
  options: { secret?: string; expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT({ role: 'member' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

@Controller()
class JwtController {
  @WebSocketRoute('me')
  @UseGuards(StreamingJwtGuard)
  me(conn: WebSocketConnection): Promise<void> {
    return conn.sendJSON({
      userId: conn.userId,
      user_id: conn.get('user_id'),
      role: (conn.user as { role: string }).role,
    });
  }
}

@Controller()
class RateLimitedController {
  @WebSocketRoute('limited')
  @UseGuards(StreamingRateLimitGuard)
  @StreamingRateLimit({ limit: 3, windowMs: 60_000 })
  limited(conn: WebSocketConnection): Promise<void> {
    return conn.send('in');
  }
}

/** Refuses every streaming handshake without `x-pass`; lets other contexts through. */
@Injectable()
class GlobalPassGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'forge-streaming') return true;
    return (
      context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-pass'] ===
      'yes'
    );
  }
}

@Controller()
class OpenController {
  @WebSocketRoute('open')
  open(conn: WebSocketConnection): Promise<void> {
    return conn.send('open');
  }
}

describe('StreamingJwtGuard', () => {
  test('accepts a valid token from the Authorization header, the subprotocol and the query', async () => {
    const app = await createStreamingTestApp({
      controllers: [JwtController],
      config: { jwt: { secret: SECRET } },
    });
    try {
      const jwt = await token('user-42');
      const expected = { userId: 'user-42', user_id: 'user-42', role: 'member' };
      await app
        .test()
        .webSocket('/me', { headers: { Authorization: `Bearer ${jwt}` } })
        .expectMessage(expected);
      await app
        .test()
        .webSocket('/me', { protocols: ['access_token', jwt] })
        .expectMessage(expected);
      await app.test().webSocket(`/me?access_token=${jwt}`).expectMessage(expected);
    } finally {
      await app.close();
    }
  });

  test('refuses a missing, expired, forged or malformed token with 401', async () => {
    const app = await createStreamingTestApp({
      controllers: [JwtController],
      config: { jwt: { secret: SECRET } },
    });
    try {
      await app.test().webSocket('/me').expectRejected(401);
      await app
        .test()
        .webSocket(
          `/me?access_token=${await token('u', { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`,
        )
        .expectRejected(401);
      await app
        .test()
        .webSocket(
          `/me?access_token=${await token('u', { secret: 'another-secret-entirely-different' })}`,
        )
        .expectRejected(401);
      await app.test().webSocket('/me?access_token=not.a.jwt').expectRejected(401);
      assert.equal(app.manager.getStats().rejected.auth, 4);
    } finally {
      await app.close();
    }
  });
});

describe('global guards', () => {
  test('a guard registered with useGlobalGuards runs at the handshake', async () => {
    const app = await createStreamingTestApp({
      controllers: [OpenController],
      configure: (nestApp) => {
        nestApp.useGlobalGuards(new GlobalPassGuard());
      },
    });
    try {
      await app.test().webSocket('/open').expectRejected(403);
      await app
        .test()
        .webSocket('/open', { headers: { 'x-pass': 'yes' } })
        .expectMessage('open');
    } finally {
      await app.close();
    }
  });

  test('an APP_GUARD provider runs at the handshake', async () => {
    const app = await createStreamingTestApp({
      controllers: [OpenController],
      providers: [{ provide: APP_GUARD, useClass: GlobalPassGuard }],
    });
    try {
      await app.test().webSocket('/open').expectRejected(403);
      await app
        .test()
        .webSocket('/open', { headers: { 'x-pass': 'yes' } })
        .expectMessage('open');
    } finally {
      await app.close();
    }
  });
});

describe('StreamingRateLimitGuard', () => {
  test('refuses connection attempts over the limit with 429', async () => {
    const app = await createStreamingTestApp({ controllers: [RateLimitedController] });
    try {
      for (let i = 0; i < 3; i += 1) await app.test().webSocket('/limited').expectMessage('in');
      await app.test().webSocket('/limited').expectRejected(429);
      assert.equal(app.manager.getStats().rejected.rate, 1);
    } finally {
      await app.close();
    }
  });
});

describe('start-up validation', () => {
  const bad: [string, Parameters<typeof ForgeStreamingModule.forRoot>[0], RegExp][] = [
    ['negative size', { websocket: { maxMessageSize: -1 } }, /websocket\.maxMessageSize/],
    ['unknown policy', { slowConsumer: 'drop-everything' as never }, /slowConsumer/],
    [
      'malformed origin',
      { websocket: { checkOrigin: ['not an origin'] } },
      /websocket\.checkOrigin\[0\]/,
    ],
    ['bad port', { webTransport: { port: 70000 } }, /webTransport\.port/],
    ['jwt without key', { jwt: {} }, /jwt/],
  ];
  for (const [name, config, field] of bad) {
    test(`a ${name} fails the bootstrap with a message naming the field`, async () => {
      await assert.rejects(
        Test.createTestingModule({ imports: [ForgeStreamingModule.forRoot(config)] }).compile(),
        (error: unknown) => error instanceof InvalidConfigError && field.test(error.message),
      );
    });
  }

  test('duplicate route paths are a start-up error', async () => {
    @Controller()
    class First {
      @WebSocketRoute('same')
      a(): void {}
    }
    @Controller()
    class Second {
      @WebSocketRoute('/same/')
      b(): void {}
    }
    @Module({ imports: [ForgeStreamingModule.forRoot()], controllers: [First, Second] })
    class DuplicateModule {}
    const moduleRef = await Test.createTestingModule({ imports: [DuplicateModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await assert.rejects(app.init(), /Duplicate websocket route "\/same"/);
    await app.close().catch(() => undefined);
  });

  test('an invalid route option fails the bootstrap naming the route', async () => {
    @Controller()
    class BadOptions {
      @WebSocketRoute('bad', { maxMessageSize: 0 })
      a(): void {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [ForgeStreamingModule.forRoot()],
      controllers: [BadOptions],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await assert.rejects(app.init(), /BadOptions\.a option maxMessageSize/);
    await app.close().catch(() => undefined);
  });
});
