import { Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller.js';

/** Per-user notifications over SSE. */
@Module({ controllers: [NotificationsController] })
export class NotificationsModule {}
