import { Inject, type LoggerService } from '@nestjs/common';
import { of, type Observable } from 'rxjs';
import {
  Conn,
  MessageBody,
  OnConnect,
  OnMessage,
  Param,
  StreamingGateway,
  StreamingManager,
  type GatewayConnection,
} from '../../../src/index.js';

/** An object that contains itself: neither JSON nor MessagePack can encode it. */
export function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

/** A BigInt beyond 64 bits: JSON refuses every BigInt, MessagePack this one. */
export const HUGE_BIGINT = 2n ** 70n;

/** The code of what a call threw or rejected with, or `none` when it did not. */
async function codeOf(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'none';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

/** Handlers whose replies or events their codec cannot encode, beside one that can. */
@StreamingGateway('/unencodable/:room', { protocols: ['websocket', 'webtransport'] })
export class UnencodableGateway {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  @OnConnect()
  joined(@Conn() conn: GatewayConnection, @Param('room') room: string): void {
    conn.join(room);
  }

  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }

  @OnMessage('cyclic')
  cyclic(): unknown {
    return cyclic();
  }

  @OnMessage('bigint')
  bigint(): unknown {
    return { n: HUGE_BIGINT };
  }

  @OnMessage('cyclic.async')
  async cyclicAsync(): Promise<unknown> {
    await new Promise((resolve) => setImmediate(resolve));
    return cyclic();
  }

  @OnMessage('stream')
  stream(): Observable<unknown> {
    return of({ first: true }, cyclic());
  }

  @OnMessage('emit.cyclic')
  async emitCyclic(@Conn() conn: GatewayConnection): Promise<unknown> {
    const emit = await codeOf(() => conn.emit('bad', cyclic()));
    const emitWithAck = await codeOf(() => conn.emitWithAck('bad', cyclic(), { timeoutMs: 5000 }));
    conn.emit('good', { n: 1 });
    return { emit, emitWithAck };
  }

  @OnMessage('broadcast.cyclic')
  async broadcastCyclic(@Param('room') room: string): Promise<unknown> {
    return {
      room: await codeOf(() => this.manager.to(room).emit('bad', cyclic())),
      all: await codeOf(() => this.manager.emit('bad', cyclic())),
    };
  }
}

/** Keeps the error lines Nest's logger receives. */
export class ErrorCapturingLogger implements LoggerService {
  readonly errors: string[] = [];
  log(): void {}
  warn(): void {}
  error(message: unknown, stack?: unknown): void {
    this.errors.push(`${String(message)}\n${String(stack)}`);
  }
}
