import { BadRequestException } from '@nestjs/common';

/** The body of `POST /disconnect`. */
export interface DisconnectRequest {
  /** Whose WebSocket connections to close. */
  readonly userId: string;
  /** Only the connections in this room. */
  readonly room?: string;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Validates a `POST /disconnect` body; throws 400 naming the bad field. */
export function parseDisconnectRequest(body: unknown): DisconnectRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException('Expected a JSON object { userId, room? }');
  }
  const { userId, room } = body as Record<string, unknown>;
  if (!nonEmptyString(userId)) throw new BadRequestException('userId must be a non-empty string');
  if (room !== undefined && !nonEmptyString(room)) {
    throw new BadRequestException('room must be a non-empty string');
  }
  return { userId, room };
}
