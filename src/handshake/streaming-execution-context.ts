import type { ArgumentsHost } from '@nestjs/common';
import type {
  HandshakeRequest,
  StreamingConnection,
  StreamingProtocol,
} from '../interfaces/connection.interface.js';
import { STREAMING_CONTEXT_TYPE } from '../streaming.constants.js';
import { StreamingHandshake } from './streaming-handshake.js';

/**
 * Transport-aware helpers for guards, interceptors and filters. In a streaming context the
 * arguments are `[request, handshake]`; `switchToHttp().getRequest()` returns the same request,
 * so HTTP guards keep working.
 */
export const StreamingExecutionContext = {
  /** Whether the context is a streaming handshake. */
  isStreaming(host: ArgumentsHost): boolean {
    return host.getType<string>() === STREAMING_CONTEXT_TYPE;
  },
  /** The handshake request (headers, query, params, ip, user). */
  getRequest(host: ArgumentsHost): HandshakeRequest {
    return host.getArgByIndex<HandshakeRequest>(0);
  },
  /** The handshake (protocol, route, values, connection once accepted). */
  getHandshake(host: ArgumentsHost): StreamingHandshake {
    const handshake = host.getArgByIndex<unknown>(1);
    if (!(handshake instanceof StreamingHandshake)) {
      throw new TypeError('Not a forge-streaming execution context');
    }
    return handshake;
  },
  /** The protocol of the attempt. */
  getProtocol(host: ArgumentsHost): StreamingProtocol {
    return StreamingExecutionContext.getHandshake(host).protocol;
  },
  /** The accepted connection (undefined while guards run). */
  getConnection(host: ArgumentsHost): StreamingConnection | undefined {
    return StreamingExecutionContext.getHandshake(host).connection;
  },
};
