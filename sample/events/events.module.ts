import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { TickerService } from './ticker.service.js';

/** Resumable ticks: SSE `/events`. */
@Module({ controllers: [EventsController], providers: [TickerService] })
export class EventsModule {}
