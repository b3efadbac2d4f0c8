import { Controller, Inject } from '@nestjs/common';
import { SseRoute, type SseContext, type SseEvent } from 'nestjs-forge-streaming';
import { concat, map, of, type Observable } from 'rxjs';
import { DashboardService } from './dashboard.service.js';

/**
 * SSE `/dashboard`: `dashboard-init` (interval and recent samples), then `dashboard-update` with
 * each new sample of the server's own statistics. Written as an Observable, the Nest way.
 */
@Controller()
export class DashboardController {
  constructor(@Inject(DashboardService) private readonly dashboard: DashboardService) {}

  @SseRoute('dashboard')
  dashboardStream(_ctx: SseContext): Observable<SseEvent> {
    return concat(
      of<SseEvent>({ event: 'dashboard-init', data: this.dashboard.init() }),
      this.dashboard.samples$.pipe(
        map((sample): SseEvent => ({ event: 'dashboard-update', data: sample })),
      ),
    );
  }
}
