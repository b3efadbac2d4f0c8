import type { CloseInfo } from '../errors/close-codes.js';
import type { HandshakeRequest, StreamingProtocol } from '../interfaces/connection.interface.js';
import type {
  EmitWithAckOptions,
  GatewayConnection,
} from '../interfaces/gateway-connection.interface.js';
import type { EventData, EventMap, EventReply } from '../wire/event-map.js';
import type { GatewayChannel } from './gateway-channel.js';

const DEFAULT_ACK_TIMEOUT_MS = 10_000;

/** What `@Conn()` gives a gateway handler: the connection, with event sending on its channel. */
export class GatewayConnectionHandle<
  ServerEvents = EventMap,
> implements GatewayConnection<ServerEvents> {
  constructor(readonly channel: GatewayChannel) {}

  get codecName(): string {
    return this.channel.codec.subprotocol;
  }
  get id(): string {
    return this.channel.connection.id;
  }
  get protocol(): StreamingProtocol {
    return this.channel.connection.protocol;
  }
  get route(): string {
    return this.channel.connection.route;
  }
  get remoteAddr(): string {
    return this.channel.connection.remoteAddr;
  }
  get request(): HandshakeRequest {
    return this.channel.connection.request;
  }
  get user(): unknown {
    return this.channel.connection.user;
  }
  get userId(): string | undefined {
    return this.channel.connection.userId;
  }
  get rooms(): ReadonlySet<string> {
    return this.channel.connection.rooms;
  }
  get signal(): AbortSignal {
    return this.channel.connection.signal;
  }
  get closed(): Promise<CloseInfo> {
    return this.channel.connection.closed;
  }
  get isClosed(): boolean {
    return this.channel.connection.isClosed;
  }
  get bufferedAmount(): number {
    return this.channel.connection.bufferedAmount;
  }
  get<T = unknown>(key: string): T | undefined {
    return this.channel.connection.get<T>(key);
  }
  set(key: string, value: unknown): void {
    this.channel.connection.set(key, value);
  }
  join(room: string): void {
    this.channel.connection.join(room);
  }
  leave(room: string): void {
    this.channel.connection.leave(room);
  }
  send(message: unknown): Promise<void> {
    return this.channel.connection.send(message);
  }
  close(code?: number, reason?: string): void {
    this.channel.connection.close(code, reason);
  }
  keepOpen(): void {
    this.channel.connection.keepOpen();
  }

  /** Sends `{event, data}`; throws `UnencodableMessageError` when the codec refuses `data`. */
  emit<E extends keyof ServerEvents & string>(event: E, data: EventData<ServerEvents, E>): boolean {
    return this.channel.send({ event, data });
  }

  /** Sends `{event, data, id}`; rejects with `UnencodableMessageError` when `data` is refused. */
  emitWithAck<E extends keyof ServerEvents & string>(
    event: E,
    data: EventData<ServerEvents, E>,
    options: EmitWithAckOptions = {},
  ): Promise<EventReply<ServerEvents, E>> {
    return this.channel.request(
      event,
      data,
      options.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
    ) as Promise<EventReply<ServerEvents, E>>;
  }
}
