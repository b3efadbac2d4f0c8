import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders, type AppCorsOptions } from './cors-headers.js';

/** The part of an HTTP adapter this service wraps. */
interface CorsCapable {
  enableCors(options?: AppCorsOptions): unknown;
}

/**
 * The application's CORS settings, for the responses the transports write themselves (SSE
 * streams are served ahead of the framework's middleware). It records what `app.enableCors()`
 * or the `cors` application option gives the HTTP adapter, Express or Fastify alike.
 */
@Injectable()
export class AppCors {
  private options: AppCorsOptions | undefined;

  constructor(@Inject(HttpAdapterHost) host: HttpAdapterHost) {
    // init$ replays: it fires once the adapter is known (at once, or when a testing module
    // creates its application), always before `enableCors` can be called on the application
    host.init$.subscribe(() => this.watch(host.httpAdapter as unknown as CorsCapable | undefined));
  }

  /** Whether the application enabled CORS. */
  get enabled(): boolean {
    return this.options !== undefined;
  }

  /**
   * Sets the CORS headers on a response the framework does not see; resolves when done. A
   * failing origin callback or options delegate leaves the response without CORS headers.
   */
  async apply(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.options === undefined) return;
    let headers: Record<string, string>;
    try {
      headers = await corsHeaders(this.options, req);
    } catch {
      return;
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  }

  private watch(adapter: CorsCapable | undefined): void {
    if (!adapter || typeof adapter.enableCors !== 'function') return;
    const enableCors = adapter.enableCors.bind(adapter);
    adapter.enableCors = (options?: AppCorsOptions) => {
      this.options = options ?? {};
      return enableCors(options);
    };
  }
}
