import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis-client.js';
import type {
  RoomHistoryEntry,
  RoomHistoryLimits,
  RoomHistoryStore,
  RoomRecovery,
} from '../../interfaces/streaming-adapter.interface.js';
import { parseOffset } from '../../wire/room-offset.js';
import { answerWithin, STAMP_TIMEOUT_MS } from './answer-within.js';

/** Longest a room's log meta (epoch, last seq) outlives its last event when events expire. */
const META_GRACE_MS = 24 * 60 * 60 * 1000;
/** Most expired entries one append removes (the rest go with later appends). */
const MAX_EXPIRED_PER_APPEND = 256;

/**
 * Appends one event. KEYS: log stream, meta hash. ARGV: candidate epoch, reset (1: start a new
 * epoch), event, data JSON, size, ttl ms, meta grace ms. Returns { epoch, seq, at }.
 * A missing meta hash (first append, flushed or expired) or a reset starts a new epoch, and
 * the stale log goes with it. Ids are `<seq>-0`, so seqs are contiguous within an epoch.
 */
const APPEND_SCRIPT = `
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if (not epoch) or ARGV[2] == '1' then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'epoch', epoch, 'seq', 0)
end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local now = redis.call('TIME')
local at = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ttl = tonumber(ARGV[6])
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[5], seq .. '-0', 'e', ARGV[3], 'd', ARGV[4], 't', string.format('%d', at))
redis.call('HSET', KEYS[2], 'ttl', ttl)
if ttl > 0 then
  local horizon = at - ttl
  for i = 1, ${MAX_EXPIRED_PER_APPEND} do
    local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
    if #head == 0 then break end
    local fields = head[1][2]
    local t = 0
    for j = 1, #fields, 2 do if fields[j] == 't' then t = tonumber(fields[j + 1]) end end
    if t >= horizon then break end
    redis.call('XDEL', KEYS[1], head[1][1])
  end
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl + tonumber(ARGV[7]))
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
end
return { epoch, seq, at }
`;

type StreamRow = [id: string, fields: string[]];

interface RoomHistoryCommands {
  forgeRoomHistoryAppend(...args: (string | number)[]): Promise<[string, number, number]>;
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function seqOfId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function decodeData(raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  return JSON.parse(raw) as unknown;
}

/**
 * Room history in Redis Streams, so a client recovers on any instance and across restarts of
 * the app. Each room has a stream of its events (ids `<seq>-0`, trimmed to `size`, entries older
 * than `ttlMs` removed) and a meta hash (`epoch`, last `seq`, `ttl`). Both keys carry the room in
 * a hash tag (`…room-history:{<room>}:log`), so every script touches one slot (Redis Cluster).
 *
 * The epoch is drawn when a room's meta is created. A room without meta has no log (never used,
 * flushed or expired: Redis cannot tell these apart) and is answered `unknown-room`; its next
 * append starts a new epoch, so offsets from before are then answered `epoch-changed`. An append that fails (Redis unreachable)
 * returns an offset no log holds and makes the room's next append start a new epoch, because its
 * log then lacks an event that was delivered live.
 */
export class RedisRoomHistoryStore implements RoomHistoryStore {
  private readonly prepared = new WeakSet<RedisClient>();
  /** Rooms whose appends failed since their last successful one. */
  private readonly lostRooms = new Set<string>();
  private readonly lostEpoch = `lost-${randomBytes(6).toString('base64url')}`;
  private lostSeq = 0;

  constructor(
    private readonly client: () => RedisClient | undefined,
    private readonly prefix: string,
  ) {}

  /** The stream of `room`'s events. */
  logKey(room: string): string {
    return `${this.prefix}room-history:{${room}}:log`;
  }

  /** The hash of `room`'s epoch, last seq and ttl. */
  metaKey(room: string): string {
    return `${this.prefix}room-history:{${room}}:meta`;
  }

  async append(
    room: string,
    event: string,
    data: unknown,
    limits: RoomHistoryLimits,
  ): Promise<RoomHistoryEntry> {
    const json = data === undefined ? '' : JSON.stringify(data);
    const redis = this.client();
    if (redis) {
      try {
        const [epoch, seq, at] = await answerWithin(
          this.commands(redis).forgeRoomHistoryAppend(
            this.logKey(room),
            this.metaKey(room),
            randomBytes(6).toString('base64url'),
            this.lostRooms.has(room) ? '1' : '0',
            event,
            json,
            Math.max(1, Math.floor(limits.size)),
            Math.max(0, Math.floor(limits.ttlMs)),
            META_GRACE_MS,
          ),
          STAMP_TIMEOUT_MS,
        );
        this.lostRooms.delete(room);
        return { offset: `${epoch}:${seq}`, event, data, at: Number(at) };
      } catch {
        // Redis unreachable: fall through to an offset no log holds.
      }
    }
    this.lostRooms.add(room);
    this.lostSeq += 1;
    return {
      offset: `${this.lostEpoch}:${this.lostSeq}`,
      event,
      data,
      at: Date.now(),
      stored: false,
    };
  }

  async since(room: string, offset: string): Promise<RoomRecovery> {
    const position = parseOffset(offset);
    if (!position) return { recovered: false, reason: 'epoch-changed' };
    const redis = this.client();
    if (!redis) throw new Error('Redis is not reachable');
    const replies = await redis
      .multi()
      .hmget(this.metaKey(room), 'epoch', 'seq', 'ttl')
      .xrange(this.logKey(room), `(${position.seq}-0`, '+')
      .time()
      .exec();
    if (!replies) throw new Error('Redis transaction aborted');
    for (const [error] of replies) if (error) throw error;
    const [epoch, lastSeqRaw, ttlRaw] = replies[0][1] as (string | null)[];
    const rows = replies[1][1] as StreamRow[];
    const [seconds, micros] = replies[2][1] as [string, string];
    if (epoch === null) return { recovered: false, reason: 'unknown-room' };
    if (epoch !== position.epoch) return { recovered: false, reason: 'epoch-changed' };
    const lastSeq = Number(lastSeqRaw ?? 0);
    if (position.seq > lastSeq) return { recovered: false, reason: 'epoch-changed' };
    if (position.seq === lastSeq) return { recovered: true, entries: [] };
    if (rows.length === 0 || seqOfId(rows[0][0]) !== position.seq + 1) {
      return { recovered: false, reason: 'too-old' };
    }
    const ttl = Number(ttlRaw ?? 0);
    const horizon = ttl > 0 ? Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - ttl : 0;
    const entries: RoomHistoryEntry[] = [];
    for (const [id, fields] of rows) {
      const at = Number(field(fields, 't') ?? 0);
      if (entries.length === 0 && at < horizon) return { recovered: false, reason: 'too-old' };
      entries.push({
        offset: `${epoch}:${seqOfId(id)}`,
        event: field(fields, 'e') ?? '',
        data: decodeData(field(fields, 'd')),
        at,
      });
    }
    return { recovered: true, entries };
  }

  async latest(room: string): Promise<string | undefined> {
    const redis = this.client();
    if (!redis) return undefined;
    const [epoch, seq] = await redis.hmget(this.metaKey(room), 'epoch', 'seq');
    return epoch !== null && seq !== null && Number(seq) > 0 ? `${epoch}:${seq}` : undefined;
  }

  private commands(redis: RedisClient): RoomHistoryCommands {
    if (!this.prepared.has(redis)) {
      redis.defineCommand('forgeRoomHistoryAppend', { numberOfKeys: 2, lua: APPEND_SCRIPT });
      this.prepared.add(redis);
    }
    return redis as unknown as RoomHistoryCommands;
  }
}
