import type { IncomingMessage, Server, ServerResponse } from 'node:http';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts SSE routes in front of the HTTP framework on the Nest server.
 *
 * It takes over the server's `'request'` listeners (the Express app or Fastify's router, and
 * anything registered before it) and installs one dispatcher: a request the SSE transport claims
 * is served by it alone; every other request goes to the original listeners, unchanged and in
 * their order. This works the same for Express and Fastify, sees routes added at run time, and
 * keeps framework middleware (compression, body parsers) away from event streams, so nothing can
 * buffer them. {@link uninstall} puts the original listeners back.
 */
export class SseRequestDispatcher {
  private originals: RequestListener[] = [];
  private installed = false;
  private readonly dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.claim(req, res)) return;
    for (const listener of this.originals) listener.call(this.server, req, res);
  };

  constructor(
    private readonly server: Server,
    /** Serves the request and returns true, or returns false to pass it on. */
    private readonly claim: (req: IncomingMessage, res: ServerResponse) => boolean,
  ) {}

  install(): void {
    if (this.installed) return;
    this.installed = true;
    this.originals = this.server.rawListeners('request') as RequestListener[];
    this.server.removeAllListeners('request');
    this.server.on('request', this.dispatch);
  }

  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    this.server.off('request', this.dispatch);
    for (const listener of this.originals) this.server.on('request', listener);
    this.originals = [];
  }
}
