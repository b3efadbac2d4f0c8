import type { Provider } from '@nestjs/common';
import {
  STREAMING_RESERVED_EVENTS_HANDLER,
  STREAMING_ROOM_EVENT_STAMPER,
} from '../streaming.constants.js';
import { RoomEventStamperService } from './room-event-stamper.service.js';
import { RoomGapFiller } from './room-gap-filler.service.js';
import { RoomHistoryPolicy } from './room-history-policy.service.js';
import { RoomJoinWatcher } from './room-join-watcher.service.js';
import { RoomRecoveryService } from './room-recovery.service.js';
import { StreamingReservedEventsHandler } from './reserved-events.handler.js';

/** The recovery layer's providers, and the protocol seams the event gateways inject. */
export const RECOVERY_PROVIDERS: Provider[] = [
  RoomHistoryPolicy,
  RoomJoinWatcher,
  RoomRecoveryService,
  RoomGapFiller,
  RoomEventStamperService,
  StreamingReservedEventsHandler,
  { provide: STREAMING_ROOM_EVENT_STAMPER, useExisting: RoomEventStamperService },
  { provide: STREAMING_RESERVED_EVENTS_HANDLER, useExisting: StreamingReservedEventsHandler },
];
