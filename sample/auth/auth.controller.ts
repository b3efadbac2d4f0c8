import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { TokenService } from './token.service.js';
import { parseUserId } from './user-id.js';

/** The demo login: anyone may become any user (there are no passwords in the sample). */
@Controller('auth')
export class AuthController {
  constructor(@Inject(TokenService) private readonly tokens: TokenService) {}

  /** `POST /auth/token { userId }` → `{ token }` (HS256 JWT, `sub` = userId). */
  @Post('token')
  @HttpCode(200)
  async token(@Body() body: unknown): Promise<{ token: string }> {
    const userId = parseUserId((body as { userId?: unknown } | undefined)?.userId);
    return { token: await this.tokens.issue(userId) };
  }
}
