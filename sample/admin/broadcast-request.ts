import { BadRequestException } from '@nestjs/common';
import { STREAMING_PROTOCOLS, type StreamingProtocol } from 'nestjs-forge-streaming';

/** The body of `POST /broadcast`. */
export interface BroadcastRequest {
  /** Any JSON value. */
  readonly message: unknown;
  /** Only connections of this protocol. */
  readonly protocol?: StreamingProtocol;
  /** Only connections in this room. */
  readonly room?: string;
}

function isProtocol(value: unknown): value is StreamingProtocol {
  return typeof value === 'string' && (STREAMING_PROTOCOLS as readonly string[]).includes(value);
}

/** Validates a `POST /broadcast` body; throws 400 naming the bad field. */
export function parseBroadcastRequest(body: unknown): BroadcastRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException('Expected a JSON object { message, protocol?, room? }');
  }
  const record = body as Record<string, unknown>;
  if (!('message' in record) || record.message === undefined) {
    throw new BadRequestException('message is required');
  }
  const { protocol, room } = record;
  if (protocol !== undefined && !isProtocol(protocol)) {
    throw new BadRequestException(`protocol must be one of ${STREAMING_PROTOCOLS.join(', ')}`);
  }
  if (room !== undefined && (typeof room !== 'string' || room.length === 0)) {
    throw new BadRequestException('room must be a non-empty string');
  }
  return { message: record.message, protocol, room };
}
