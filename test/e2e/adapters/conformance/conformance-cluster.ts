import type { ConformanceBackend } from './conformance-backend.js';
import { startConformanceApp, type ConformanceApp } from './conformance-app.js';
import { MemberClient } from './member-client.js';
import { SseClient } from '../../redis/sse-client.js';
import { waitFor } from '../../../support/wait-for.js';

/** An instance started by the suite, with its backend cut (when the backend offers one). */
export interface ExtraInstance {
  readonly app: ConformanceApp;
  readonly cut: (() => void) | undefined;
}

/**
 * The apps of one conformance run: `a` and `b` are two instances on a distributed backend, and
 * the same instance on a single-process one (so every test reads the same either way). Tracks
 * clients and extra instances and closes them all at the end.
 */
export class ConformanceCluster {
  private readonly closers: Array<() => Promise<void> | void> = [];

  private constructor(
    readonly backend: ConformanceBackend,
    readonly a: ConformanceApp,
    readonly b: ConformanceApp,
  ) {}

  /** Starts the backend and the instances. */
  static async start(backend: ConformanceBackend): Promise<ConformanceCluster> {
    await backend.setup();
    const a = await startConformanceApp((await backend.createAdapter({ cuttable: false })).adapter);
    const b = backend.distributed
      ? await startConformanceApp((await backend.createAdapter({ cuttable: false })).adapter)
      : a;
    return new ConformanceCluster(backend, a, b);
  }

  /** A WebSocket member of `room` on `app` (see {@link MemberClient.connect}). */
  async member(
    app: ConformanceApp,
    room: string,
    query: Record<string, string> = {},
    route: 'ws' | 'alt' = 'ws',
  ): Promise<MemberClient> {
    const client = await MemberClient.connect(app.port, room, query, route);
    this.closers.push(() => client.close());
    // registry writes are asynchronous: wait until the other instance can address the member
    const other = app === this.a ? this.b : this.a;
    if (other !== app) {
      await waitFor(
        async () => (await other.manager.describeConnection(client.id)) !== undefined,
        'the member in the shared registry',
      );
    }
    return client;
  }

  /** An SSE stream of `/conf/sse` on `app`, after its greeting. */
  async sse(app: ConformanceApp, query = '', lastEventId?: string): Promise<SseClient> {
    const client = await SseClient.open(app.port, `/conf/sse${query}`, lastEventId);
    this.closers.push(() => client.close());
    await waitFor(() => client.named('ready').length === 1, 'the SSE greeting');
    return client;
  }

  /** One more instance (for crash tests), closed at the end unless the test closes it. */
  async extraInstance(): Promise<ExtraInstance> {
    const { adapter, cut } = await this.backend.createAdapter({ cuttable: true });
    const app = await startConformanceApp(adapter);
    this.closers.push(() => app.app.close());
    return { app, cut };
  }

  /** Waits until `room` lists `count` members as seen from `app`. */
  async members(app: ConformanceApp, room: string, count: number): Promise<void> {
    await waitFor(
      async () => (await app.manager.presence(room)).length === count,
      `${count} member(s) of ${room} in the registry`,
    );
  }

  /** Closes every client and instance, then the backend. */
  async stop(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch {
        // already closed
      }
    }
    await this.a.app.close();
    if (this.b !== this.a) await this.b.app.close();
    await this.backend.teardown();
  }
}
