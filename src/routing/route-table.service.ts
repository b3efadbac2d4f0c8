import { Injectable } from '@nestjs/common';
import { match, type MatchFunction } from 'path-to-regexp';
import { InvalidRouteError } from '../errors/invalid-route.error.js';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { RouteDefinition, RouteMatch } from '../handshake/route-definition.js';
import { normalizeRequestPath } from './route-paths.js';

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly matcher: MatchFunction<Partial<Record<string, string | string[]>>>;
}

/** Params of a route without any (shared, frozen). */
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
/**
 * Streaming routes per protocol: static paths in a map (one lookup), parameterized ones compiled
 * with path-to-regexp and tried in registration order. Routes can be added at run time.
 */
@Injectable()
export class RouteTable {
  private readonly staticRoutes = new Map<string, RouteDefinition>();
  private readonly dynamicRoutes = new Map<StreamingProtocol, CompiledRoute[]>();
  private readonly all: RouteDefinition[] = [];

  /** Adds a route; a second route with the same protocol and path is an error. */
  add(route: RouteDefinition): void {
    const existing = this.all.find((r) => r.protocol === route.protocol && r.path === route.path);
    if (existing) {
      throw new InvalidRouteError(
        `Duplicate ${route.protocol} route "${route.path}" (${route.source} and ${existing.source})`,
      );
    }
    let matcher: CompiledRoute['matcher'];
    try {
      matcher = match(route.path, { decode: decodeURIComponent, end: true });
    } catch (error) {
      throw new InvalidRouteError(
        `Invalid ${route.protocol} route path "${route.path}" (${route.source}): ${(error as Error).message}`,
      );
    }
    if (/[:*{]/.test(route.path)) {
      const list = this.dynamicRoutes.get(route.protocol) ?? [];
      list.push({ route, matcher });
      this.dynamicRoutes.set(route.protocol, list);
    } else {
      this.staticRoutes.set(`${route.protocol} ${route.path}`, route);
    }
    this.all.push(route);
  }

  /** Finds the route for a request path (no query string). */
  match(protocol: StreamingProtocol, rawPath: string): RouteMatch | undefined {
    const path = normalizeRequestPath(rawPath);
    const direct = this.staticRoutes.get(`${protocol} ${path}`);
    if (direct) return { route: direct, params: NO_PARAMS };
    const list = this.dynamicRoutes.get(protocol);
    if (!list) return undefined;
    for (const { route, matcher } of list) {
      let result: ReturnType<typeof matcher>;
      try {
        result = matcher(path);
      } catch {
        continue;
      }
      if (result) {
        const params: Record<string, string> = {};
        for (const [key, value] of Object.entries(result.params)) {
          if (value !== undefined) params[key] = Array.isArray(value) ? value.join('/') : value;
        }
        return { route, params };
      }
    }
    return undefined;
  }

  /** Whether any route of this protocol exists. */
  has(protocol: StreamingProtocol): boolean {
    return this.all.some((route) => route.protocol === protocol);
  }

  /** Every route. */
  routes(protocol?: StreamingProtocol): readonly RouteDefinition[] {
    return protocol ? this.all.filter((route) => route.protocol === protocol) : this.all;
  }
}
