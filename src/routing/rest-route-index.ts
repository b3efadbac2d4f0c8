import { Injectable } from '@nestjs/common';
import { match, type MatchFunction } from 'path-to-regexp';
import { normalizeRequestPath } from './route-paths.js';

/** A REST route that answers `GET` (a `@Get()` or `@All()` handler). */
export interface RestGetRoute {
  /** Full path, global prefix and controller prefix included. */
  readonly path: string;
  /** Where it is declared (`HealthController.check`). */
  readonly source: string;
}

/**
 * The application's REST `GET` routes, as far as streaming routes need them: to refuse a
 * streaming route declared on the same path at start-up, and to let a request that does not ask
 * for an event stream reach the REST route an SSE pattern would also match.
 */
@Injectable()
export class RestRouteIndex {
  private readonly entries: { route: RestGetRoute; matcher: MatchFunction<object> | undefined }[] =
    [];

  /** Adds a REST route (a pattern path-to-regexp cannot read is kept for exact matches only). */
  add(route: RestGetRoute): void {
    let matcher: MatchFunction<object> | undefined;
    try {
      matcher = match(route.path, { decode: false, end: true });
    } catch {
      matcher = undefined;
    }
    this.entries.push({ route: { ...route, path: normalizeRequestPath(route.path) }, matcher });
  }

  /** The REST route declared with exactly this path, if any. */
  samePath(path: string): RestGetRoute | undefined {
    const wanted = normalizeRequestPath(path);
    return this.entries.find((entry) => entry.route.path === wanted)?.route;
  }

  /** Whether a REST route answers `GET` for this request path. */
  answers(requestPath: string): boolean {
    if (this.entries.length === 0) return false;
    const path = normalizeRequestPath(requestPath);
    return this.entries.some((entry) => {
      if (entry.route.path === path) return true;
      try {
        return entry.matcher ? entry.matcher(path) !== false : false;
      } catch {
        return false;
      }
    });
  }
}
