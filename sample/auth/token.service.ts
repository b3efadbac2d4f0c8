import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { SAMPLE_CONFIG, type SampleConfig } from '../config/sample-config.js';

/** Lifetime of a demo token, in seconds. */
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;

/** Issues the demo login tokens: HS256 JWTs whose `sub` is the user id. */
@Injectable()
export class TokenService {
  private readonly key: KeyObject;

  constructor(@Inject(SAMPLE_CONFIG) config: SampleConfig) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  /** Signs a token for `userId`. */
  issue(userId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
  }
}
