import { BadRequestException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type {
  EnvelopeChannel,
  ReservedEventsHandler,
} from '../interfaces/gateway-protocol.interface.js';
import {
  TOKEN_LEASE_KEY,
  type TokenLease,
  type TokenRenewal,
} from '../interfaces/token-lease.interface.js';
import { MessageErrorCode, RESERVED_EVENTS, type EventEnvelope } from '../wire/envelope.js';
import type { RecoveredData } from '../wire/recovery-outcome.js';
import { parseRecoverData, parseRecoverQuery } from './recover-request.js';
import { RoomGapFiller } from './room-gap-filler.service.js';
import { RoomRecoveryService } from './room-recovery.service.js';

/** The reply to a `$recover` request: one outcome per room, in the order asked. */
export interface RecoverReply {
  readonly rooms: readonly RecoveredData[];
}

/**
 * The protocol's own events on gateway connections:
 * - on open, `?recover=<room>@<offset>,...` recovers those rooms (each answered with a
 *   `$recovered` event; a malformed value gets a `$error` event `VALIDATION_FAILED`);
 * - `$recover` with `data` `{ [room]: offset }` does the same on an open connection and, with an
 *   `id`, replies `{ rooms: [...outcomes] }`;
 * - `$auth` with `data` `{ token }` renews the token of a connection accepted by
 *   `StreamingJwtGuard` (same verification, same `sub`) and replies `{ exp }`; a bad token gets
 *   401 `UNAUTHORIZED`, another subject 403 `FORBIDDEN`, and the old token stays in force.
 * Other `$`-events are `UNKNOWN_EVENT`.
 */
@Injectable()
export class StreamingReservedEventsHandler implements ReservedEventsHandler {
  private readonly logger = new Logger('ForgeStreamingRecovery');

  constructor(
    @Inject(RoomRecoveryService) private readonly recovery: RoomRecoveryService,
    @Inject(RoomGapFiller) private readonly gaps: RoomGapFiller,
  ) {}

  onOpen(channel: EnvelopeChannel): void {
    this.gaps.attach(channel);
    const value = channel.connection.request.query.recover;
    if (value === undefined || value === '') return;
    const request = parseRecoverQuery(value);
    if (!request.ok) {
      channel.send({
        event: RESERVED_EVENTS.error,
        error: {
          status: 400,
          code: MessageErrorCode.ValidationFailed,
          message: `?recover= ${request.message}`,
        },
      });
      return;
    }
    // Not awaited: the rooms are held now, and recovery goes on once the connect handlers
    // have joined the connection to them.
    this.recovery.recoverAll(channel, request.targets).catch((error: unknown) => {
      this.logger.warn(`Recovery on open failed: ${String(error)}`);
    });
  }

  async handle(channel: EnvelopeChannel, envelope: EventEnvelope): Promise<unknown> {
    if (envelope.event === RESERVED_EVENTS.recover) {
      const request = parseRecoverData(envelope.data);
      if (!request.ok) {
        throw new BadRequestException({
          status: 400,
          code: MessageErrorCode.ValidationFailed,
          message: `$recover ${request.message}`,
        });
      }
      const rooms = await this.recovery.recoverAll(channel, request.targets);
      const reply: RecoverReply = { rooms };
      return reply;
    }
    if (envelope.event === RESERVED_EVENTS.auth) return this.renewToken(channel, envelope);
    throw new NotFoundException({
      status: 404,
      code: MessageErrorCode.UnknownEvent,
      message: `No handler for ${JSON.stringify(envelope.event.slice(0, 64))}`,
    });
  }

  private renewToken(channel: EnvelopeChannel, envelope: EventEnvelope): Promise<TokenRenewal> {
    const lease = channel.connection.get<TokenLease>(TOKEN_LEASE_KEY);
    if (lease === undefined || typeof lease.renew !== 'function') {
      throw new NotFoundException({
        status: 404,
        code: MessageErrorCode.UnknownEvent,
        message: '$auth needs a route guarded by StreamingJwtGuard',
      });
    }
    const data = envelope.data;
    const token =
      data !== null && typeof data === 'object' ? (data as { token?: unknown }).token : undefined;
    return lease.renew(token);
  }
}
