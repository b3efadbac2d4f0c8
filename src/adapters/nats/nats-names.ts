import { createHash } from 'node:crypto';

/** A name as one subject token / KV key token: base64url (letters, digits, `-`, `_`), `_` when empty. */
export function token(name: string): string {
  return name === '' ? '_' : Buffer.from(name, 'utf8').toString('base64url');
}

/** A short stable digest of a name, for stream names (which must stay short). */
function digest(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 20);
}

/**
 * Every subject, stream and bucket name the NATS adapter uses, under one prefix. Room names,
 * routes and ids are base64url-encoded into single tokens, so any string is safe in a subject.
 */
export class NatsNames {
  /** Subject of unscoped broadcasts (every instance listens). */
  readonly broadcast: string;
  /** Subject of presence changes. */
  readonly presence: string;
  /** Subject of gap notices (an instance could not publish for a while). */
  readonly gap: string;
  /** Prefix of the per-room broadcast subjects. */
  readonly roomPrefix: string;
  /** Bucket of heartbeats (TTL: the registry TTL): instance id → statistics snapshot. */
  readonly liveBucket: string;
  /** Bucket of the connection registry, room members and the instance roster. */
  readonly registryBucket: string;
  /** Stream of room history (one subject per room). */
  readonly roomHistoryStream: string;
  /** Prefix of the room history subjects. */
  readonly roomHistoryPrefix: string;

  constructor(readonly prefix: string) {
    const upper = prefix.toUpperCase();
    this.broadcast = `${prefix}.broadcast`;
    this.presence = `${prefix}.presence`;
    this.gap = `${prefix}.gap`;
    this.roomPrefix = `${prefix}.room.`;
    this.liveBucket = `${prefix}-live`;
    this.registryBucket = `${prefix}-registry`;
    this.roomHistoryStream = `${upper}_ROOM_HISTORY`;
    this.roomHistoryPrefix = `${prefix}.room-history.`;
  }

  /** Subject of one room's broadcasts, heard only by instances with local members of it. */
  room(room: string): string {
    return `${this.roomPrefix}${token(room)}`;
  }

  /** Subject of commands for one instance (request/reply). */
  instance(instanceId: string): string {
    return `${this.prefix}.instance.${token(instanceId)}`;
  }

  /** Subject of one room's history. */
  roomHistory(room: string): string {
    return `${this.roomHistoryPrefix}${token(room)}`;
  }

  /** Stream of one SSE route's history. */
  sseStream(route: string): string {
    return `${this.prefix.toUpperCase()}_SSE_${digest(route)}`;
  }

  /** Subject of one SSE route's history. */
  sseSubject(route: string): string {
    return `${this.prefix}.sse-history.${digest(route)}`;
  }

  /** Registry key: connection id → descriptor JSON, under its instance. */
  connectionKey(instanceId: string, connectionId: string): string {
    return `i.${token(instanceId)}.${token(connectionId)}`;
  }

  /** Registry filter of one instance's connections. */
  connectionsOf(instanceId: string): string {
    return `i.${token(instanceId)}.>`;
  }

  /** Registry key: connection id → id of the instance holding it. */
  indexKey(connectionId: string): string {
    return `c.${token(connectionId)}`;
  }

  /** Registry key: a room member (value: member JSON). */
  memberKey(room: string, connectionId: string): string {
    return `m.${token(room)}.${token(connectionId)}`;
  }

  /** Registry filter of one room's members. */
  membersOf(room: string): string {
    return `m.${token(room)}.>`;
  }

  /** Registry key: the instance joined the cluster (a sweeper removes it with its entries). */
  rosterKey(instanceId: string): string {
    return `r.${token(instanceId)}`;
  }

  /** Registry filter of the roster. */
  get roster(): string {
    return 'r.>';
  }

  /** Heartbeat key of an instance in the live bucket. */
  liveKey(instanceId: string): string {
    return token(instanceId);
  }
}

/** Decodes a {@link token}. */
export function untoken(value: string): string {
  return value === '_' ? '' : Buffer.from(value, 'base64url').toString('utf8');
}
