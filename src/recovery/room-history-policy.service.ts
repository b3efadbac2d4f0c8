import { Inject, Injectable } from '@nestjs/common';
import { InvalidConfigError } from '../errors/invalid-config.error.js';
import type { RoomHistoryLimits } from '../interfaces/streaming-adapter.interface.js';
import type { ResolvedStreamingConfig } from '../interfaces/streaming-config.interface.js';
import { STREAMING_RESOLVED_CONFIG } from '../streaming.constants.js';
import { compileRoomPattern, type RoomPattern } from './room-pattern.js';

/** Default of `rooms.recoverJoinTimeout`, in milliseconds. */
export const DEFAULT_RECOVER_JOIN_TIMEOUT = 2_000;

interface HistoryRule {
  readonly pattern: RoomPattern;
  readonly limits: RoomHistoryLimits;
}

function isCount(value: unknown, positive: boolean): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= (positive ? 1 : 0);
}

/** Checks one rule's bounds; throws {@link InvalidConfigError} naming the field. */
export function validateHistoryLimits(field: string, limits: unknown): RoomHistoryLimits {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new InvalidConfigError(field, 'must be an object { size, ttlMs }');
  }
  const { size, ttlMs } = limits as Record<string, unknown>;
  if (!isCount(size, true)) {
    throw new InvalidConfigError(
      `${field}.size`,
      `must be a positive integer (got ${String(size)})`,
    );
  }
  if (ttlMs !== undefined && !isCount(ttlMs, false)) {
    throw new InvalidConfigError(
      `${field}.ttlMs`,
      `must be a non-negative integer (got ${String(ttlMs)})`,
    );
  }
  return { size: size as number, ttlMs: (ttlMs as number | undefined) ?? 0 };
}

/**
 * Which rooms keep history and how much: the `rooms.history` rules of the module config, plus
 * rules added at run time with {@link configure}. Validated at start-up.
 */
@Injectable()
export class RoomHistoryPolicy {
  private rules: HistoryRule[] = [];
  private readonly cache = new Map<string, RoomHistoryLimits | null>();
  /** How long a recovery waits for the connection to join the room, in milliseconds. */
  readonly joinTimeout: number;

  constructor(@Inject(STREAMING_RESOLVED_CONFIG) config: ResolvedStreamingConfig) {
    const rooms = config.rooms ?? {};
    if (typeof rooms !== 'object' || rooms === null || Array.isArray(rooms)) {
      throw new InvalidConfigError('rooms', 'must be an object');
    }
    const joinTimeout = rooms.recoverJoinTimeout ?? DEFAULT_RECOVER_JOIN_TIMEOUT;
    if (!isCount(joinTimeout, false)) {
      throw new InvalidConfigError(
        'rooms.recoverJoinTimeout',
        `must be a non-negative integer (got ${String(joinTimeout)})`,
      );
    }
    this.joinTimeout = joinTimeout;
    const history: unknown = rooms.history ?? {};
    if (typeof history !== 'object' || history === null || Array.isArray(history)) {
      throw new InvalidConfigError('rooms.history', 'must be an object (room pattern → limits)');
    }
    for (const [pattern, limits] of Object.entries(history)) {
      this.configure(pattern, validateHistoryLimits(`rooms.history.${pattern}`, limits));
    }
  }

  /**
   * Makes rooms matching `pattern` (an exact name or one with `*`) keep history within
   * `limits`; replaces an earlier rule of the same pattern. Events already stamped keep their
   * offsets.
   */
  configure(pattern: string, limits: RoomHistoryLimits): void {
    if (typeof pattern !== 'string' || pattern.length === 0) {
      throw new InvalidConfigError('rooms.history', 'a room pattern must be a non-empty string');
    }
    const checked = validateHistoryLimits(`rooms.history.${pattern}`, limits);
    this.rules = this.rules.filter((rule) => rule.pattern.source !== pattern);
    this.rules.push({ pattern: compileRoomPattern(pattern), limits: checked });
    this.rules.sort((a, b) => b.pattern.rank - a.pattern.rank);
    this.cache.clear();
  }

  /** The history bounds of `room`, or undefined when it keeps no history. */
  limitsFor(room: string): RoomHistoryLimits | undefined {
    const cached = this.cache.get(room);
    if (cached !== undefined) return cached ?? undefined;
    const limits = this.rules.find((rule) => rule.pattern.matches(room))?.limits;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(room, limits ?? null);
    return limits;
  }
}
