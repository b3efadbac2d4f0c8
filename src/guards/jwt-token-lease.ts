import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { CloseCode } from '../errors/close-codes.js';
import type { StreamingConnection } from '../interfaces/connection.interface.js';
import type { TokenLease, TokenRenewal } from '../interfaces/token-lease.interface.js';
import { MessageErrorCode } from '../wire/envelope.js';

/** Longest delay `setTimeout` keeps (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

/** Verifies a token with the guard's settings; rejects when it is not valid. */
export type TokenVerifier = (token: string) => Promise<JWTPayload>;

/**
 * The token of one accepted connection: with `closeOnExpiry` it closes the connection with
 * {@link CloseCode.TokenExpired} at the token's `exp` (an unref'd timer, cleared on close), and
 * `$auth` renews it in place (same verification, same subject), moving that close.
 */
export class JwtTokenLease implements TokenLease {
  private conn: StreamingConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private exp: number | undefined;

  constructor(
    private readonly verify: TokenVerifier,
    private readonly payload: JWTPayload,
    private readonly closeOnExpiry: boolean,
  ) {
    this.exp = payload.exp;
  }

  get subject(): string | undefined {
    return this.payload.sub;
  }

  get expiresAt(): number | undefined {
    return this.exp;
  }

  /** Binds the lease to the accepted connection and arms the expiry close. */
  attach(conn: StreamingConnection): void {
    this.conn = conn;
    void conn.closed.then(() => this.disarm());
    this.arm();
  }

  async renew(token: unknown): Promise<TokenRenewal> {
    if (typeof token !== 'string' || token === '') {
      throw new UnauthorizedException({
        code: MessageErrorCode.Unauthorized,
        message: '$auth needs data { token: string }',
      });
    }
    let payload: JWTPayload;
    try {
      payload = await this.verify(token);
    } catch {
      throw new UnauthorizedException({
        code: MessageErrorCode.Unauthorized,
        message: 'Invalid or expired access token',
      });
    }
    if (payload.sub !== this.payload.sub) {
      throw new ForbiddenException({
        code: MessageErrorCode.Forbidden,
        message: 'The new token is for another subject',
      });
    }
    const conn = this.conn;
    if (conn) conn.request.user = payload;
    this.exp = payload.exp;
    this.arm();
    return { exp: payload.exp };
  }

  private arm(): void {
    this.disarm();
    const conn = this.conn;
    if (!this.closeOnExpiry || !conn || this.exp === undefined || conn.signal.aborted) return;
    const remaining = this.exp * 1000 - Date.now();
    if (remaining <= 0) {
      this.expire(conn);
      return;
    }
    // A far expiry is reached in steps: setTimeout cannot wait longer than ~24.8 days.
    this.timer = setTimeout(
      () => (remaining > MAX_TIMER_MS ? this.arm() : this.expire(conn)),
      Math.min(remaining, MAX_TIMER_MS),
    );
    this.timer.unref();
  }

  private expire(conn: StreamingConnection): void {
    this.timer = undefined;
    conn.close(CloseCode.TokenExpired, 'token expired');
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
