import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  readGatewayHandlers,
  readGatewayMetadata,
  type GatewayHandlerEntry,
  type GatewayMetadata,
} from '../decorators/gateway-metadata.js';

/** A `@StreamingGateway` class found among the application's providers and controllers. */
export interface DiscoveredGateway {
  readonly instance: object;
  readonly metadata: GatewayMetadata;
  readonly handlers: readonly GatewayHandlerEntry[];
  /** Token of the module that declares it (where its enhancers resolve). */
  readonly moduleKey: string;
}

/** Walks providers and controllers for `@StreamingGateway` classes. */
@Injectable()
export class GatewayExplorer {
  private readonly logger = new Logger('ForgeStreaming');

  constructor(@Inject(DiscoveryService) private readonly discovery: DiscoveryService) {}

  explore(): DiscoveredGateway[] {
    const found: DiscoveredGateway[] = [];
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      const classRef = (wrapper.metatype as unknown) ?? instance.constructor;
      const metadata = typeof classRef === 'function' ? readGatewayMetadata(classRef) : undefined;
      if (!metadata) continue;
      seen.add(instance);
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(
          `${instance.constructor.name} is request-scoped; gateways need a singleton, it is skipped`,
        );
        continue;
      }
      const prototype = Object.getPrototypeOf(instance) as object;
      found.push({
        instance,
        metadata,
        handlers: readGatewayHandlers(prototype),
        moduleKey: (wrapper.host as { token?: string } | undefined)?.token ?? '',
      });
    }
    return found;
  }
}
