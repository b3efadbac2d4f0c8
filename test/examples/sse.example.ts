// README: "Server-Sent Events" (basic stream, real-time data, custom events, notifications)
import { Body, Controller, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import { Subject, interval, map, type Observable } from 'rxjs';
import {
  SseRoute,
  StreamEvent,
  StreamingJwtGuard,
  StreamingManager,
  forUser,
  onRoute,
  type SseContext,
  type SseEvent,
} from 'nestjs-forge-streaming';

/** A service that publishes data as it changes. */
@Injectable()
export class MetricsService {
  private readonly updates = new Subject<{ cpu: number; at: number }>();
  readonly updates$ = this.updates.asObservable();
  publish(cpu: number): void {
    this.updates.next({ cpu, at: Date.now() });
  }
}

@Controller()
export class EventsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly streaming: StreamingManager,
  ) {}

  /** Basic stream, the Nest way: return an Observable. */
  @SseRoute('ticks')
  ticks(): Observable<SseEvent> {
    return interval(1000).pipe(
      map((n) => ({ event: 'update', data: { n, timestamp: Date.now() } })),
    );
  }

  /** Imperative style, as in the guide: write until the client goes away. */
  @SseRoute('events')
  async events(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('connected', 'Welcome to SSE stream');
    while (!ctx.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await ctx.writeSSE('update', { timestamp: Date.now(), message: 'Periodic update' });
    }
  }

  /** Real-time data from a service. */
  @SseRoute('metrics')
  live(): Observable<SseEvent> {
    return this.metrics.updates$.pipe(map((update) => ({ event: 'data', data: update })));
  }

  /** Custom events, then the stream ends. */
  @SseRoute('custom')
  async custom(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('user-login', { user_id: '123', timestamp: Date.now() });
    await ctx.writeSSE('system-alert', { level: 'warning', message: 'High CPU usage detected' });
    await ctx.writeSSE('data-update', { table: 'users', action: 'insert', id: '456' });
  }

  /** Per-user notifications: the stream stays open; events are sent by `notify`. */
  @UseGuards(StreamingJwtGuard)
  @SseRoute('notifications')
  notifications(ctx: SseContext): void {
    ctx.keepOpen();
  }

  @Post('notifications/:userId')
  async notify(@Param('userId') userId: string, @Body() body: Record<string, unknown>) {
    // Reaches that user's open streams on every instance; kept in the route's history for resume.
    return this.streaming.broadcast(
      new StreamEvent('notification', body),
      forUser(userId),
      onRoute('/notifications'),
    );
  }
}
