import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { StreamingExecutionContext } from '../handshake/streaming-execution-context.js';
import { StreamingException } from '../errors/streaming.exception.js';
import { CloseCode } from '../errors/close-codes.js';
import type { HandshakeRequest } from '../interfaces/connection.interface.js';

/** Connection-attempt limit of {@link StreamingRateLimitGuard}. */
export interface StreamingRateLimitOptions {
  /** Attempts allowed per client per window. Default 20. */
  limit: number;
  /** Window length in milliseconds. Default 10 000. */
  windowMs: number;
}

const DEFAULT_RATE_LIMIT: StreamingRateLimitOptions = { limit: 20, windowMs: 10_000 };
const RATE_LIMIT_METADATA = 'forge-streaming:rate-limit';

/** Sets the connection-attempt limit for a route or controller guarded by {@link StreamingRateLimitGuard}. */
export function StreamingRateLimit(
  options: Partial<StreamingRateLimitOptions>,
): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    Reflect.defineMetadata(
      RATE_LIMIT_METADATA,
      { ...DEFAULT_RATE_LIMIT, ...options },
      descriptor ? (descriptor.value as object) : target,
    );
  };
}

interface Window {
  start: number;
  count: number;
}

/**
 * Limits connection attempts per client address (fixed window, in memory); over the limit the
 * handshake is refused with 429 before any upgrade. Configure with `@StreamingRateLimit()`.
 */
@Injectable()
export class StreamingRateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, Window>();
  private lastSweep = Date.now();

  canActivate(context: ExecutionContext): boolean {
    const options =
      (Reflect.getMetadata(RATE_LIMIT_METADATA, context.getHandler()) as
        StreamingRateLimitOptions | undefined) ??
      (Reflect.getMetadata(RATE_LIMIT_METADATA, context.getClass()) as
        StreamingRateLimitOptions | undefined) ??
      DEFAULT_RATE_LIMIT;
    const request = StreamingExecutionContext.isStreaming(context)
      ? StreamingExecutionContext.getRequest(context)
      : context.switchToHttp().getRequest<HandshakeRequest>();
    const now = Date.now();
    this.sweep(now, options.windowMs);
    const key = `${context.getClass().name}.${context.getHandler().name}:${request.ip}`;
    let window = this.windows.get(key);
    if (!window || now - window.start >= options.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count > options.limit) {
      throw new StreamingException('Too many connection attempts', CloseCode.PolicyViolation, 429);
    }
    return true;
  }

  private sweep(now: number, windowMs: number): void {
    if (now - this.lastSweep < windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows)
      if (now - window.start >= windowMs) this.windows.delete(key);
  }
}
