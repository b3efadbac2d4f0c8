import type { ConnectionFilter } from './connection-filter.interface.js';
import type { StreamingProtocol } from './connection.interface.js';
import type { ClusterStats, StreamingStats } from './streaming-stats.interface.js';

/**
 * A message in a form that crosses process boundaries. `envelope` is a gateway event: its JSON
 * envelope `text`, and `sse`, the form SSE streams receive; each instance encodes the other
 * codecs' frames from it for its own recipients.
 */
export type WireMessage =
  | { readonly type: 'text'; readonly text: string; readonly event?: string }
  | { readonly type: 'binary'; readonly base64: string; readonly event?: string }
  | {
      readonly type: 'envelope';
      readonly text: string;
      readonly sse: Exclude<WireMessage, { type: 'envelope' }>;
    };

/** A broadcast as it travels between instances. */
export interface BroadcastEnvelope {
  /** Unique id of the broadcast. */
  readonly id: string;
  /** Id of the instance that issued it. */
  readonly origin: string;
  /** The payload, encoded once. */
  readonly message: WireMessage;
  /** Serializable filters, combined with AND. */
  readonly filters: readonly ConnectionFilter[];
  /** SSE event ids assigned by the history store, per SSE route pattern. */
  readonly sseIds?: Readonly<Record<string, string>>;
}

/** An action on one connection that may live on another instance. */
export type ConnectionCommand =
  | {
      readonly type: 'disconnect';
      readonly connectionId: string;
      readonly code: number;
      readonly reason: string;
    }
  | { readonly type: 'join'; readonly connectionId: string; readonly room: string }
  | { readonly type: 'leave'; readonly connectionId: string; readonly room: string }
  | { readonly type: 'send'; readonly connectionId: string; readonly message: WireMessage };

/** What the cluster knows of a connection. */
export interface ConnectionDescriptor {
  readonly id: string;
  readonly instanceId: string;
  readonly protocol: StreamingProtocol;
  readonly route: string;
  readonly userId: string | undefined;
  readonly rooms: readonly string[];
  readonly meta: Readonly<Record<string, string | number | boolean>>;
  readonly remoteAddr: string;
  /** Epoch ms. */
  readonly openedAt: number;
}

/** A member of a room, for presence. */
export interface PresenceMember {
  readonly connectionId: string;
  readonly userId: string | undefined;
  readonly instanceId: string;
}

/** A presence change. */
export interface PresenceEvent {
  readonly type: 'join' | 'leave';
  readonly room: string;
  readonly member: PresenceMember;
}

/** Who an SSE history entry is for, so replay never leaks another client's events. */
export type SseAudience =
  | { readonly kind: 'filters'; readonly filters: readonly ConnectionFilter[] }
  | {
      readonly kind: 'stream';
      /** The stream the event is private to (a connection id, kept across resumes). */
      readonly streamKey: string;
      /** The user the stream belongs to; a stream is only continued by the same user. */
      readonly userId?: string;
    };

/** One stored SSE event. */
export interface SseHistoryEntry {
  /** Event id (assigned by the store). */
  readonly id: string;
  /** The event's encoded lines after the `id:` line (`event:` and `data:` lines, ending in a blank line). */
  readonly body: string;
  /** Who may receive it on replay. */
  readonly audience: SseAudience;
}

/** The result of asking history for events after an id. */
export interface SseReplay {
  /** Events after the given id, oldest first. */
  readonly entries: readonly SseHistoryEntry[];
  /** True when events after the id are no longer held (or the id is unknown): send a reset event. */
  readonly gap: boolean;
  /**
   * The entry named by the given id, when it is still held (optional): lets a resuming stream
   * continue the private events of the stream it resumed from.
   */
  readonly anchor?: SseHistoryEntry;
}

/** Storage of SSE history per route. */
export interface SseHistoryStore {
  /** Appends an event; resolves with its id. `maxLength` bounds the route's history. */
  append(route: string, body: string, audience: SseAudience, maxLength: number): Promise<string>;
  /** Events after `lastEventId` on `route`. */
  replay(route: string, lastEventId: string): Promise<SseReplay>;
  /** The newest id on `route` (undefined when empty). */
  lastId(route: string): Promise<string | undefined>;
  /**
   * Optional (cluster stores): listens for gaps in live delivery, when events may have been
   * missed by this instance's clients (e.g. the backend was unreachable). The SSE transport
   * sends its open streams a reset event. Returns an unsubscribe function.
   */
  onGap?(listener: (notice: SseGapNotice) => void): () => void;
}

/** Live SSE events may have been missed on this instance: streams should get a reset event. */
export interface SseGapNotice {
  /**
   * Why: `resubscribed` (this instance's subscription to other instances was interrupted),
   * `publish-lost` (another instance could not publish for a while).
   */
  readonly reason: 'resubscribed' | 'publish-lost';
  /** When it was detected (epoch ms). */
  readonly at: number;
}

/** Bounds of a room's history. */
export interface RoomHistoryLimits {
  /** Most events kept (older ones are trimmed). */
  readonly size: number;
  /** Longest an event is kept, in milliseconds (0: no time limit). */
  readonly ttlMs: number;
}

/** One event kept in a room's history. */
export interface RoomHistoryEntry {
  /** Its position, `<epoch>:<seq>` (see {@link RoomHistoryStore}). */
  readonly offset: string;
  /** The event name. */
  readonly event: string;
  /** The payload: a JSON-compatible value (stores keep it as JSON). */
  readonly data: unknown;
  /** When it was appended (epoch ms). */
  readonly at: number;
  /**
   * False when the store could not keep it (its backend was unreachable): the offset is then one
   * no log holds and nobody can recover the event. Absent or true: it is kept.
   */
  readonly stored?: boolean;
}

/** Why the events after an offset cannot be given. */
export type RoomRecoveryFailure = 'too-old' | 'epoch-changed' | 'unknown-room';

/** What followed an offset in a room's history. */
export type RoomRecovery =
  | {
      readonly recovered: true;
      /** The events after the offset, oldest first (none when nothing was missed). */
      readonly entries: readonly RoomHistoryEntry[];
    }
  | { readonly recovered: false; readonly reason: RoomRecoveryFailure };

/**
 * The per-room event log behind recovery. Offsets are `<epoch>:<seq>`: `seq` grows with every
 * append to the room (not necessarily by one); `epoch` names one unbroken life of the room's log
 * and changes whenever entries may have been lost (a restart of an in-memory store, a flushed or
 * expired backend key), so that a stale offset is always detected, never answered with a silent
 * gap.
 */
export interface RoomHistoryStore {
  /** Appends an event to `room`'s log, trimming it to `limits`; resolves with the entry. */
  append(
    room: string,
    event: string,
    data: unknown,
    limits: RoomHistoryLimits,
  ): Promise<RoomHistoryEntry>;
  /**
   * The events after `offset`, in order: `recovered: false` with `epoch-changed` when the offset
   * belongs to another life of the log, `too-old` when events after it were trimmed, and
   * `unknown-room` when the room has no log.
   */
  since(room: string, offset: string): Promise<RoomRecovery>;
  /** The newest offset of `room` (undefined when its log is empty or unknown). */
  latest(room: string): Promise<string | undefined>;
}

/** Counts of one kind of broadcast channel. */
export interface ChannelKindCounts {
  /** Broadcasts of this instance published on channels of this kind. */
  readonly global: number;
  /** Broadcasts published on (or decoded from) per-room channels. */
  readonly room: number;
}

/**
 * What an adapter with per-room channels did with broadcasts: how many this instance published,
 * and how many broadcasts of other instances it received and decoded, per channel kind (`global`:
 * the channel every instance listens to, for unscoped broadcasts; `room`: a room's own channel,
 * heard only by instances with local members of that room).
 */
export interface AdapterChannelCounters {
  readonly published: ChannelKindCounts;
  readonly decoded: ChannelKindCounts;
  /** Rooms whose channel this instance is subscribed to now. */
  readonly subscribedRooms: number;
}

/** Health of the adapter's backend. */
export interface AdapterHealth {
  readonly status: 'up' | 'degraded' | 'down';
  readonly detail?: string;
}

/** What the module offers the adapter: local delivery and local state. */
export interface StreamingAdapterHost {
  /** Id of this instance. */
  readonly instanceId: string;
  /** Delivers a broadcast to matching local connections; returns how many received it. */
  deliverLocal(envelope: BroadcastEnvelope): number;
  /** Applies a command if the connection is local; returns whether it was. */
  applyLocal(command: ConnectionCommand): boolean;
  /** Local statistics. */
  localStats(): StreamingStats;
  /** Local connection descriptors (for registry refresh). */
  localConnections(): ConnectionDescriptor[];
  /** Reports a presence change seen by the adapter (remote joins/leaves). */
  emitPresence(event: PresenceEvent): void;
  /**
   * The adapter stopped hearing other instances' broadcasts (its pub/sub connection dropped).
   * Optional for hosts; adapters call it when present.
   */
  deliveryLost?(): void;
  /**
   * The adapter hears other instances again after {@link deliveryLost}: broadcasts published in
   * between were missed on this instance (room events can be read back from the room history).
   */
  deliveryResumed?(): void;
}

/**
 * The broadcast/registry backend. In-memory by default; `RedisStreamingAdapter` for several
 * instances. Implementations must never throw into the app on backend outages: they report
 * degraded health and recover.
 */
export interface StreamingAdapter {
  /** Starts the adapter. */
  init(host: StreamingAdapterHost): Promise<void>;
  /** Stops it and releases resources. */
  close(): Promise<void>;
  /** Whether messages reach other instances (false for in-memory). */
  readonly distributed: boolean;
  /**
   * Sends a broadcast to every OTHER instance (the manager has already delivered it locally).
   * Each receiving instance calls `host.deliverLocal`.
   */
  publish(envelope: BroadcastEnvelope): Promise<void>;
  /**
   * Sends a command for a connection that is not local to the instance owning it; resolves with
   * whether an owner was found.
   */
  command(command: ConnectionCommand): Promise<boolean>;
  /**
   * Records a local connection that opened or changed rooms or metadata (called only when
   * `distributed` is true).
   */
  connectionUpdated(descriptor: ConnectionDescriptor): void;
  /** Records a local connection that closed (called only when `distributed` is true). */
  connectionClosed(descriptor: ConnectionDescriptor): void;
  /** Looks up a connection on another instance. */
  findConnection(id: string): Promise<ConnectionDescriptor | undefined>;
  /** Members of a room across instances (local members included). */
  roomMembers(room: string): Promise<PresenceMember[]>;
  /** Cluster-wide figures, if shared. */
  clusterStats(): Promise<ClusterStats | undefined>;
  /** SSE history storage. */
  readonly history: SseHistoryStore;
  /** Room history storage (recovery of missed room events). */
  readonly roomHistory: RoomHistoryStore;
  /**
   * This instance now has its first local member of `room`: an adapter with per-room channels
   * subscribes to the room's channel. Optional (without it, every broadcast reaches every
   * instance).
   */
  roomActive?(room: string): void;
  /** This instance no longer has local members of `room` (an adapter may unsubscribe). */
  roomInactive?(room: string): void;
  /** Broadcast counts per channel kind, for adapters with per-room channels (optional). */
  channelCounters?(): AdapterChannelCounters;
  /** Backend health. */
  health(): AdapterHealth;
}
