import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Http2SecureServer } from 'node:http2';
import type { Duplex } from 'node:stream';
import { Server as TlsServer } from 'node:tls';
import type { HandshakeRefusal } from '../../handshake/refusal.js';
import { writeRawRefusal } from '../http/raw-http-response.js';
import type { FlowControlWindows } from './web-transport-flow-control.js';
import { servePlainRequests, type WebTransportPageInfo } from './web-transport-page.js';
import type {
  LibraryServer,
  LibraryServerClass,
  LibrarySession,
  LibrarySessionRequestEvent,
} from './web-transport-library.interface.js';
import { InvalidStateError } from '../../errors/invalid-state.error.js';
import { WebTransportUnavailableError } from '../../errors/web-transport-unavailable.error.js';

/** Internal path every accepted session is delivered on (routing happens in the request hook). */
const SESSION_PATH = '/.forge-streaming/sessions';

/** Longest the library may take to deliver a session it was told to accept. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** One session request, answered exactly once with `accept()` or `refuse()`. */
export interface PendingSessionRequest {
  readonly event: LibrarySessionRequestEvent;
  /** Accepts: resolves with the library session once established. */
  accept(): Promise<LibrarySession>;
  /** Refuses with an HTTP status (HTTP/2: a response; HTTP/1.1 WebSocket mapping: a raw response). */
  refuse(answer: HandshakeRefusal): void;
}

/** Settings of the library server. */
export interface WebTransportServerOptions {
  readonly host: string;
  readonly port: number;
  readonly cert: string;
  readonly privateKey: string;
  readonly windows: FlowControlWindows;
  /** What the page served to ordinary (non-CONNECT) requests shows. */
  readonly page: WebTransportPageInfo;
}

/** The Node HTTP/2 servers inside the library's transport (one, or one per transport proxied). */
function http2ServersOf(transport: unknown): Http2SecureServer[] {
  const record = transport as
    { serverInt?: unknown; transportsInts?: Iterable<unknown> } | undefined;
  // an HTTP/2 secure server is a TLS server
  if (record?.serverInt instanceof TlsServer) return [record.serverInt as Http2SecureServer];
  return record?.transportsInts ? [...record.transportsInts].flatMap(http2ServersOf) : [];
}

/**
 * Wraps the library's server: listens, hands every session request to `onRequest` (where the
 * guards run), delivers accepted sessions, and on stop also ends lingering TCP connections.
 */
export class WebTransportServer {
  private readonly server: LibraryServer;
  private readonly waiting = new Map<string, (session: LibrarySession) => void>();
  private readonly sockets = new Set<Socket>();
  private stopped = false;

  constructor(
    serverClass: LibraryServerClass,
    private readonly options: WebTransportServerOptions,
    private readonly onRequest: (request: PendingSessionRequest) => void,
  ) {
    this.server = new serverClass({
      host: options.host,
      port: options.port,
      secret: randomBytes(16).toString('hex'),
      cert: options.cert,
      privKey: options.privateKey,
      ...options.windows,
    });
    this.server.onSessionRequest = (event) => this.handleRequest(event);
    // The callback itself is never called (requests go through onSessionRequest above); setting
    // it tells the library to route every session request there.
    this.server.setRequestCallback(() =>
      Promise.reject(new InvalidStateError('The request callback is not used')),
    );
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ host: string; port: number }> {
    const sessions = this.server.sessionStream(SESSION_PATH);
    this.server.startServer();
    await this.server.ready;
    for (const server of http2ServersOf(this.server.transportInt)) {
      servePlainRequests(server, this.options.page);
    }
    this.trackSockets();
    void this.deliverSessions(sessions);
    const address = this.server.address();
    if (!address)
      throw new WebTransportUnavailableError('The WebTransport server did not report its address');
    return address;
  }

  /** Stops listening and destroys the remaining connections. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.server.stopServer();
    } catch {
      // Already stopped.
    }
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private trackSockets(): void {
    const native = (this.server.transportInt as { serverInt?: NodeJS.EventEmitter } | undefined)
      ?.serverInt;
    native?.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  private async deliverSessions(sessions: ReadableStream<LibrarySession>): Promise<void> {
    const reader = sessions.getReader();
    for (;;) {
      let result: ReadableStreamReadResult<LibrarySession>;
      try {
        result = await reader.read();
      } catch {
        return;
      }
      if (result.done) return;
      const session = result.value;
      const id = session.userData?.attemptId;
      const deliver = typeof id === 'string' ? this.waiting.get(id) : undefined;
      if (deliver) {
        this.waiting.delete(id as string);
        deliver(session);
      } else {
        session.close({ closeCode: 1011, reason: 'unexpected session' });
      }
    }
  }

  private handleRequest(event: LibrarySessionRequestEvent): void {
    if (event.protocol === 'websocketoverhttp1' && event.session) {
      (event.session as Duplex).on('error', () => (event.session as Duplex).destroy());
    }
    let answered = false;
    const answer = () => {
      if (answered) throw new InvalidStateError('The session request was already answered');
      answered = true;
    };
    this.onRequest({
      event,
      accept: () => {
        answer();
        const attemptId = randomUUID();
        return new Promise<LibrarySession>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(attemptId);
            reject(
              new WebTransportUnavailableError('The WebTransport session was not established'),
            );
          }, DELIVERY_TIMEOUT_MS);
          timer.unref();
          this.waiting.set(attemptId, (session) => {
            clearTimeout(timer);
            resolve(session);
          });
          this.finish(event, 200, { attemptId });
        });
      },
      refuse: (refusal) => {
        answer();
        if (event.protocol === 'websocketoverhttp1') {
          writeRawRefusal(event.session as Duplex, refusal);
          return;
        }
        this.finish(event, refusal.status, undefined);
      },
    });
  }

  private finish(
    event: LibrarySessionRequestEvent,
    status: number,
    userData: Record<string, unknown> | undefined,
  ): void {
    try {
      this.server.transportInt.finishSessionRequest({
        ...event,
        status,
        path: SESSION_PATH,
        userData,
      });
    } catch {
      // The client went away meanwhile.
    }
  }
}
