import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  forUser,
  onRoute,
  SseRoute,
  StreamEvent,
  StreamingJwtGuard,
  StreamingManager,
  type SseContext,
} from 'nestjs-forge-streaming';
import { parseUserId } from '../auth/user-id.js';

/** The SSE route notifications are delivered on. */
export const NOTIFICATIONS_ROUTE = '/notifications';

/** What `POST /notifications/:userId` answers. */
export interface NotifyResponse {
  readonly userId: string;
  /** Open notification streams of that user that received it (on this instance). */
  readonly delivered: number;
}

/**
 * Per-user notifications: SSE `/notifications` (JWT required) receives event `notification` for
 * its user only; `POST /notifications/:userId` sends one (to that user's streams on every instance).
 */
@Controller()
export class NotificationsController {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  @SseRoute('notifications')
  @UseGuards(StreamingJwtGuard)
  notifications(ctx: SseContext): void {
    ctx.keepOpen();
  }

  @Post('notifications/:userId')
  @HttpCode(200)
  async notify(@Param('userId') rawUserId: string, @Body() body: unknown): Promise<NotifyResponse> {
    const userId = parseUserId(rawUserId);
    if (body === undefined || body === null || typeof body !== 'object') {
      throw new BadRequestException('Expected a JSON object');
    }
    const result = await this.manager.broadcast(
      new StreamEvent('notification', body),
      forUser(userId),
      onRoute(NOTIFICATIONS_ROUTE),
    );
    return { userId, delivered: result.delivered };
  }
}
