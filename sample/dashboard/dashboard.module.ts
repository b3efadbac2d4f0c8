import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { DashboardService } from './dashboard.service.js';

/** Live dashboard of the server's statistics: SSE `/dashboard`. */
@Module({ controllers: [DashboardController], providers: [DashboardService] })
export class DashboardModule {}
