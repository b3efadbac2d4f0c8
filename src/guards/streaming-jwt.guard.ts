import {
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createSecretKey, createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import { headerValue } from '../handshake/handshake-request.js';
import { StreamingExecutionContext } from '../handshake/streaming-execution-context.js';
import type { HandshakeRequest } from '../interfaces/connection.interface.js';
import { TOKEN_LEASE_KEY } from '../interfaces/token-lease.interface.js';
import type {
  ResolvedStreamingConfig,
  StreamingJwtOptions,
} from '../interfaces/streaming-config.interface.js';
import { STREAMING_RESOLVED_CONFIG } from '../streaming.constants.js';
import { tokenFromSubprotocols } from '../wire/subprotocols.js';
import { JwtTokenLease } from './jwt-token-lease.js';

/** Where a client may put its token, in the order they are tried. */
export function extractToken(request: HandshakeRequest): string | undefined {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization) {
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && token) return token.trim();
  }
  const fromProtocol = tokenFromSubprotocols(
    headerValue(request.headers, 'sec-websocket-protocol'),
  );
  if (fromProtocol) return fromProtocol;
  const fromQuery = request.query.access_token;
  return fromQuery ? fromQuery : undefined;
}

/**
 * Verifies a JWT at the handshake (with `jose`): from `Authorization: Bearer`, the
 * `Sec-WebSocket-Protocol` header (`['access_token', token]`) or `?access_token=`. The payload
 * becomes `request.user` (so `conn.user`), its `sub` the connection's `userId` and `user_id`.
 * Refusal is 401; tokens are never logged. Configure with `forRoot({ jwt: { secret } })`.
 *
 * On a streaming connection the guard also leaves a token lease (`TOKEN_LEASE_KEY`): gateway
 * clients refresh the token in-band with `{"event":"$auth","data":{"token":...},"id":..}`
 * (verified the same way, same `sub`), and with `jwt.closeOnExpiry` the connection is closed
 * with 4401 (`CloseCode.TokenExpired`) when the token in force expires.
 */
@Injectable()
export class StreamingJwtGuard implements CanActivate {
  private key: KeyObject | undefined;

  constructor(
    @Optional()
    @Inject(STREAMING_RESOLVED_CONFIG)
    private readonly config?: ResolvedStreamingConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.config?.jwt;
    if (!options) throw new UnauthorizedException('JWT verification is not configured');
    const request = StreamingExecutionContext.isStreaming(context)
      ? StreamingExecutionContext.getRequest(context)
      : context.switchToHttp().getRequest<HandshakeRequest>();
    const token = extractToken(request);
    if (!token) throw new UnauthorizedException('Missing access token');
    const verify = (candidate: string) => this.verify(candidate, options);
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch {
      throw new UnauthorizedException('Invalid or expired access token');
    }
    request.user = payload;
    if (StreamingExecutionContext.isStreaming(context)) {
      const handshake = StreamingExecutionContext.getHandshake(context);
      if (payload.sub) handshake.set('user_id', payload.sub);
      const lease = new JwtTokenLease(verify, payload, options.closeOnExpiry ?? false);
      handshake.set(TOKEN_LEASE_KEY, lease);
      handshake.onAccepted((conn) => lease.attach(conn));
    }
    return true;
  }

  private async verify(token: string, options: StreamingJwtOptions): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.keyFor(options), {
      algorithms: options.algorithms ?? (options.secret ? ['HS256'] : ['RS256', 'ES256']),
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockToleranceSec ?? 5,
    });
    return payload;
  }

  private keyFor(options: StreamingJwtOptions): KeyObject {
    if (!this.key) {
      this.key = options.secret
        ? createSecretKey(Buffer.from(options.secret, 'utf8'))
        : createPublicKey(options.publicKey ?? '');
    }
    return this.key;
  }
}
