import type { Server } from 'node:http';

type Listener = (...args: unknown[]) => void;

/**
 * Puts a transport in front of the listeners a server already has for one event (`'request'` for
 * SSE, `'upgrade'` for WebSocket). It takes those listeners over and installs one dispatcher: an
 * event the transport claims is handled by it alone; every other one goes to the original
 * listeners, unchanged and in their order. So the framework (Express, Fastify) never sees an
 * event stream, and another upgrade handler (a Nest `WsAdapter` gateway, which destroys sockets
 * for paths it does not own) never sees a streaming route's socket. Routes added at run time are
 * claimed too. {@link uninstall} puts the original listeners back.
 */
export class ServerListenerTakeover<Args extends unknown[]> {
  private originals: Listener[] = [];
  private installed = false;
  private readonly dispatch = (...args: Args): void => {
    if (this.claim(...args)) return;
    for (const listener of this.originals) listener.apply(this.server, args);
  };

  constructor(
    private readonly server: Server,
    private readonly event: 'request' | 'upgrade',
    /** Handles the event and returns true, or returns false to pass it on. */
    private readonly claim: (...args: Args) => boolean,
  ) {}

  /** Listeners other than the dispatcher (those it passes unclaimed events to). */
  get passOnCount(): number {
    return this.originals.length;
  }

  /** Whether `listener` is this takeover's dispatcher. */
  owns(listener: unknown): boolean {
    return listener === this.dispatch;
  }

  install(): void {
    if (this.installed) return;
    this.installed = true;
    this.originals = this.server.rawListeners(this.event) as Listener[];
    this.server.removeAllListeners(this.event);
    this.server.on(this.event, this.dispatch as unknown as Listener);
  }

  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    this.server.off(this.event, this.dispatch as unknown as Listener);
    for (const listener of this.originals) this.server.on(this.event, listener);
    this.originals = [];
  }
}
