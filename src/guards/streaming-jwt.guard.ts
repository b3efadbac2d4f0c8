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
import type {
  ResolvedStreamingConfig,
  StreamingJwtOptions,
} from '../interfaces/streaming-config.interface.js';
import { STREAMING_RESOLVED_CONFIG } from '../streaming.constants.js';
import { tokenFromSubprotocols } from '../wire/subprotocols.js';

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
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor(options), {
        algorithms: options.algorithms ?? (options.secret ? ['HS256'] : ['RS256', 'ES256']),
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceSec ?? 5,
      }));
    } catch {
      throw new UnauthorizedException('Invalid or expired access token');
    }
    request.user = payload;
    if (StreamingExecutionContext.isStreaming(context) && payload.sub) {
      StreamingExecutionContext.getHandshake(context).set('user_id', payload.sub);
    }
    return true;
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
