import { RequestMethod } from '@nestjs/common';
import type { ApplicationConfig } from '@nestjs/core';
import { joinPaths } from '../routing/route-paths.js';

/** An entry of `setGlobalPrefix(prefix, { exclude })` as Nest stores it. */
interface ExcludedRoute {
  readonly requestMethod?: RequestMethod;
  readonly pathRegex?: RegExp;
}

/**
 * The path a streaming route is served at under the application's global prefix
 * (`app.setGlobalPrefix('api')`): the prefix comes first, unless the path is excluded for `GET`
 * (or every method) by the prefix's `exclude` option, as for REST routes. A WebSocket upgrade
 * and an SSE request are both `GET` requests; a WebTransport session follows the same rule.
 */
export function applyGlobalPrefix(config: ApplicationConfig | undefined, path: string): string {
  const prefix = config?.getGlobalPrefix() ?? '';
  if (!prefix) return path;
  const exclude = (config?.getGlobalPrefixOptions().exclude ?? []) as readonly ExcludedRoute[];
  const excluded = exclude.some(
    (route) =>
      (route.requestMethod === undefined ||
        route.requestMethod === RequestMethod.ALL ||
        (route.requestMethod as number) === -1 ||
        route.requestMethod === RequestMethod.GET) &&
      route.pathRegex?.test(path) === true,
  );
  return excluded ? path : joinPaths(prefix, path);
}
