/** Metadata key under which every streaming route decorator stores its {@link RouteMetadata}. */
export const STREAMING_ROUTE_METADATA = 'forge-streaming:route';

/** The `ExecutionContext.getType()` value seen by guards, interceptors and filters on streaming routes. */
export const STREAMING_CONTEXT_TYPE = 'forge-streaming';

/** Injection token of the resolved {@link ResolvedStreamingConfig}. */
export const STREAMING_RESOLVED_CONFIG = Symbol('FORGE_STREAMING_RESOLVED_CONFIG');

/** Injection token of the active {@link StreamingAdapter}. */
export const STREAMING_ADAPTER = Symbol('FORGE_STREAMING_ADAPTER');

/** Injection token of the list of started transports. */
export const STREAMING_TRANSPORTS = Symbol('FORGE_STREAMING_TRANSPORTS');

/** Injection token of this instance's id (unique across the cluster; a random UUID). */
export const STREAMING_INSTANCE_ID = Symbol('FORGE_STREAMING_INSTANCE_ID');

/** Injection token of the {@link ReservedEventsHandler} of event gateways (optional). */
export const STREAMING_RESERVED_EVENTS_HANDLER = Symbol('FORGE_STREAMING_RESERVED_EVENTS_HANDLER');

/** Injection token of the {@link RoomEventStamper} that gives room events their offsets (optional). */
export const STREAMING_ROOM_EVENT_STAMPER = Symbol('FORGE_STREAMING_ROOM_EVENT_STAMPER');
