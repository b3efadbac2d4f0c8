import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  inRoom,
  protocol,
  StreamEvent,
  StreamingManager,
  type BroadcastResult,
  type ConnectionFilter,
  type StreamingStats,
} from 'nestjs-forge-streaming';
import { parseBroadcastRequest } from './broadcast-request.js';

/** What `POST /broadcast` answers. */
export interface BroadcastResponse extends BroadcastResult {
  /** The filters that were applied. */
  readonly filters: { protocol?: string; room?: string };
}

/** Operator endpoints: broadcast to everyone (optionally filtered) and read statistics. */
@Controller()
export class AdminController {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  /**
   * `POST /broadcast { message, protocol?, room? }`: WebSocket and WebTransport clients receive
   * the message as JSON text; SSE clients receive it as event `broadcast`.
   */
  @Post('broadcast')
  @HttpCode(200)
  async broadcast(@Body() body: unknown): Promise<BroadcastResponse> {
    const request = parseBroadcastRequest(body);
    const filters: ConnectionFilter[] = [];
    if (request.protocol) filters.push(protocol(request.protocol));
    if (request.room) filters.push(inRoom(request.room));
    const event = new StreamEvent('broadcast', JSON.stringify(request.message));
    const result = await this.manager.broadcast(event, ...filters);
    return { ...result, filters: { protocol: request.protocol, room: request.room } };
  }

  /** `GET /stats`: the streaming statistics (cluster figures included with Redis). */
  @Get('stats')
  stats(): Promise<StreamingStats> {
    return this.manager.getClusterStats();
  }
}
