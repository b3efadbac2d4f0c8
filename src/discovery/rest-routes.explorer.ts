import { Inject, Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { joinPaths } from '../routing/route-paths.js';
import type { RestGetRoute } from '../routing/rest-route-index.js';

/** The paths of a `@Controller()` or route decorator (one string or several). */
function pathsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((p): p is string => typeof p === 'string');
  return typeof value === 'string' ? [value] : [''];
}

/**
 * Walks the application's controllers for REST handlers that answer `GET` (`@Get()`, `@All()`),
 * with their full paths before the global prefix.
 */
@Injectable()
export class RestRoutesExplorer {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
  ) {}

  explore(): RestGetRoute[] {
    const found: RestGetRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const classRef = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (typeof classRef !== 'function') continue;
      const prototype = classRef.prototype as Record<string, unknown>;
      const prefixes = pathsOf(Reflect.getMetadata(PATH_METADATA, classRef));
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        if (typeof method !== 'function') continue;
        const verb = Reflect.getMetadata(METHOD_METADATA, method) as RequestMethod | undefined;
        if (verb !== RequestMethod.GET && verb !== RequestMethod.ALL) continue;
        for (const prefix of prefixes) {
          for (const path of pathsOf(Reflect.getMetadata(PATH_METADATA, method))) {
            found.push({ path: joinPaths(prefix, path), source: `${classRef.name}.${name}` });
          }
        }
      }
    }
    return found;
  }
}
