import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { RouteMetadata } from '../decorators/route-metadata.js';
import { joinPaths } from '../routing/route-paths.js';
import { StreamingMetadataAccessor } from './streaming-metadata.accessor.js';

/** A decorated method found on a controller or provider. */
export interface DiscoveredRoute {
  readonly instance: object;
  readonly methodName: string;
  readonly metadata: RouteMetadata;
  /** Full path, controller prefix included. */
  readonly path: string;
  /** Token of the module that declares the host (where its guards and interceptors resolve). */
  readonly moduleKey: string;
}

/** Walks controllers and providers for streaming route decorators. */
@Injectable()
export class StreamingRoutesExplorer {
  private readonly logger = new Logger('ForgeStreaming');

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(StreamingMetadataAccessor) private readonly accessor: StreamingMetadataAccessor,
  ) {}

  explore(): DiscoveredRoute[] {
    const found: DiscoveredRoute[] = [];
    const seen = new Set<object>();
    const wrappers: [InstanceWrapper, boolean][] = [
      ...this.discovery.getControllers().map((w): [InstanceWrapper, boolean] => [w, true]),
      ...this.discovery.getProviders().map((w): [InstanceWrapper, boolean] => [w, false]),
    ];
    for (const [wrapper, isController] of wrappers) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      const methodNames = this.scanner.getAllMethodNames(prototype);
      const routes = methodNames
        .map((name) => ({
          name,
          metadata: this.accessor.getRouteMetadata((instance as Record<string, unknown>)[name]),
        }))
        .filter((entry): entry is { name: string; metadata: RouteMetadata } => !!entry.metadata);
      if (routes.length === 0) continue;
      seen.add(instance);
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(
          `${instance.constructor.name} is request-scoped; its streaming routes are skipped (streaming routes need a singleton host)`,
        );
        continue;
      }
      const classRef = (wrapper.metatype as unknown) ?? instance.constructor;
      const prefix = isController ? this.accessor.getControllerPrefix(classRef) : '';
      for (const { name, metadata } of routes) {
        found.push({
          instance,
          methodName: name,
          metadata,
          path: joinPaths(prefix, metadata.path),
          moduleKey: (wrapper.host as { token?: string } | undefined)?.token ?? '',
        });
      }
    }
    return found;
  }
}
