import type {
  JetStreamClient,
  JetStreamManager,
  StoredMsg,
  StreamConfig,
  StreamInfo,
} from '@nats-io/jetstream';

/** The JetStream clients of a connected adapter. */
export interface JetStreamHandles {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/** The JetStream clients while the connection is up; undefined otherwise. */
export type JetStreamAccess = () => JetStreamHandles | undefined;

/** Most messages one range read returns. */
const MAX_RANGE = 10_000;
/** How long one range read waits for messages the stream said it holds (ms). */
const RANGE_WAIT_MS = 3000;

/** One stored message, decoded. */
export interface StreamRecord {
  readonly seq: number;
  readonly subject: string;
  readonly data: string;
  /** When the server stored it (epoch ms). */
  readonly at: number;
}

/**
 * The epoch of a stream: its creation time, digits only. A stream deleted and created again (or
 * lost with the server's store) has a new one, so positions from before it are detected.
 */
export function streamEpoch(info: StreamInfo): string {
  return info.created.replace(/\D/g, '');
}

/** Info of a stream; undefined when it does not exist. */
export async function streamInfo(
  jsm: JetStreamManager,
  name: string,
): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  const record = error as { name?: string; message?: string; code?: unknown };
  return (
    record?.name === 'StreamNotFoundError' ||
    /stream not found/i.test(String(record?.message ?? ''))
  );
}

/**
 * Creates a stream, or updates it when it exists with smaller limits than `config` asks for
 * (limits only ever grow, so instances with different settings never trim each other's data).
 */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<StreamInfo> {
  const existing = await streamInfo(jsm, config.name);
  if (!existing) {
    try {
      return await jsm.streams.add(config);
    } catch (error) {
      // created by another instance meanwhile
      const raced = await streamInfo(jsm, config.name);
      if (!raced) throw error;
      return raced;
    }
  }
  const grow: Partial<StreamConfig> = {};
  for (const key of ['max_msgs', 'max_msgs_per_subject'] as const) {
    const wanted = config[key];
    const held = existing.config[key];
    if (wanted !== undefined && held !== -1 && (held === undefined || wanted > held)) {
      grow[key] = wanted;
    }
  }
  if (Object.keys(grow).length === 0) return existing;
  return jsm.streams.update(config.name, grow);
}

/** The message at `seq`; undefined when it is no longer held. */
export async function messageAt(
  jsm: JetStreamManager,
  stream: string,
  seq: number,
): Promise<StreamRecord | undefined> {
  if (seq < 1) return undefined;
  return toRecord(await jsm.streams.getMessage(stream, { seq }));
}

/** The newest message on `subject`; undefined when it has none. */
export async function lastOnSubject(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<StreamRecord | undefined> {
  return toRecord(await jsm.streams.getMessage(stream, { last_by_subj: subject }));
}

function toRecord(msg: StoredMsg | null): StreamRecord | undefined {
  if (!msg) return undefined;
  return { seq: msg.seq, subject: msg.subject, data: msg.string(), at: msg.time.getTime() };
}

/**
 * The messages of `stream` from `fromSeq` through `toSeq` (on `subject` only, when given), in
 * order, read with an ordered consumer. Throws when the server does not deliver them in time.
 */
export async function readRange(
  { js }: JetStreamHandles,
  stream: string,
  fromSeq: number,
  toSeq: number,
  subject?: string,
): Promise<StreamRecord[]> {
  if (toSeq < fromSeq) return [];
  const consumer = await js.consumers.get(stream, {
    opt_start_seq: fromSeq,
    ...(subject ? { filter_subjects: subject } : {}),
  });
  const records: StreamRecord[] = [];
  const messages = await consumer.fetch({
    max_messages: Math.min(MAX_RANGE, toSeq - fromSeq + 1),
    expires: RANGE_WAIT_MS,
  });
  let complete = false;
  for await (const msg of messages) {
    if (msg.seq > toSeq) {
      complete = true;
      break;
    }
    records.push({
      seq: msg.seq,
      subject: msg.subject,
      data: msg.string(),
      at: Math.floor(msg.info.timestampNanos / 1e6),
    });
    if (msg.seq === toSeq || msg.info.pending === 0) {
      complete = true;
      break;
    }
  }
  await messages.close().catch(() => undefined);
  await consumer.delete().catch(() => undefined);
  if (!complete && records.length < MAX_RANGE) throw new Error(`stream ${stream}: read timed out`);
  return records;
}
