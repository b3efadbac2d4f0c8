import { BadRequestException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type {
  EnvelopeChannel,
  ReservedEventsHandler,
} from '../interfaces/gateway-protocol.interface.js';
import { MessageErrorCode, RESERVED_EVENTS, type EventEnvelope } from '../wire/envelope.js';
import type { RecoveredData } from '../wire/recovery-outcome.js';
import { parseRecoverData, parseRecoverQuery } from './recover-request.js';
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
 *   `id`, replies `{ rooms: [...outcomes] }`.
 * Other `$`-events are `UNKNOWN_EVENT`.
 */
@Injectable()
export class StreamingReservedEventsHandler implements ReservedEventsHandler {
  private readonly logger = new Logger('ForgeStreamingRecovery');

  constructor(@Inject(RoomRecoveryService) private readonly recovery: RoomRecoveryService) {}

  onOpen(channel: EnvelopeChannel): void {
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
    throw new NotFoundException({
      status: 404,
      code: MessageErrorCode.UnknownEvent,
      message: `No handler for ${JSON.stringify(envelope.event.slice(0, 64))}`,
    });
  }
}
