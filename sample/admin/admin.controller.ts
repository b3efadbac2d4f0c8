import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  forUser,
  inRoom,
  protocol,
  StreamEvent,
  StreamingManager,
  type BroadcastResult,
  type ConnectionFilter,
  type StreamingStats,
} from 'nestjs-forge-streaming';
import { parseBroadcastRequest } from './broadcast-request.js';
import { parseDisconnectRequest } from './disconnect-request.js';

/** The close code of `POST /disconnect` (an application code: clients reconnect). */
export const OPERATOR_DISCONNECT_CODE = 4000;

/** What `POST /disconnect` answers. */
export interface DisconnectResponse {
  /** How many connections of this instance were closed. */
  readonly disconnected: number;
}

/** What `POST /broadcast` answers. */
export interface BroadcastResponse extends BroadcastResult {
  /** The filters that were applied. */
  readonly filters: { protocol?: string; room?: string };
}

/**
 * Operator endpoints: broadcast to everyone (optionally filtered), cut a user's WebSocket
 * connections, and read statistics.
 */
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

  /**
   * `POST /disconnect { userId, room? }`: closes the user's WebSocket connections on this
   * instance (in `room` only, when given) with {@link OPERATOR_DISCONNECT_CODE}. Reconnecting
   * clients come back and recover what they missed.
   */
  @Post('disconnect')
  @HttpCode(200)
  async disconnect(@Body() body: unknown): Promise<DisconnectResponse> {
    const request = parseDisconnectRequest(body);
    const filters: ConnectionFilter[] = [forUser(request.userId), protocol('websocket')];
    if (request.room) filters.push(inRoom(request.room));
    const targets = this.manager.connections(...filters);
    const closed = await Promise.all(
      targets.map((conn) =>
        this.manager.disconnect(conn.id, OPERATOR_DISCONNECT_CODE, 'disconnected by the operator'),
      ),
    );
    return { disconnected: closed.filter(Boolean).length };
  }

  /** `GET /stats`: the streaming statistics (cluster figures included with Redis). */
  @Get('stats')
  stats(): Promise<StreamingStats> {
    return this.manager.getClusterStats();
  }
}
