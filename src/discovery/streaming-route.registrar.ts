import {
  Inject,
  Injectable,
  type CanActivate,
  type NestInterceptor,
  type OnModuleInit,
} from '@nestjs/common';
import { ApplicationConfig, ModuleRef } from '@nestjs/core';
import { validateRouteOptions } from '../config/resolve-config.js';
import type { StreamingHandler } from '../handshake/connection-runner.service.js';
import type { RouteDefinition } from '../handshake/route-definition.js';
import { RoutePipelineFactory } from '../handshake/route-pipeline.service.js';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { StreamingRouteOptions } from '../interfaces/route-options.interface.js';
import { joinPaths } from '../routing/route-paths.js';
import { RouteTable } from '../routing/route-table.service.js';
import { applyGlobalPrefix } from './global-prefix.js';
import { StreamingRoutesExplorer } from './streaming-routes.explorer.js';

type Type<T> = abstract new (...args: never[]) => T;
type Enhancer<T> = T | Type<T>;

/**
 * Turns routes into served routes: the decorated methods discovery finds when the module
 * initializes, and the handlers registered at run time through `StreamingManager`. Both go the
 * same way: options validated, pipeline compiled, route added to the table. Both are served
 * under the application's global prefix (`app.setGlobalPrefix`, its `exclude` respected).
 */
@Injectable()
export class StreamingRouteRegistrar implements OnModuleInit {
  constructor(
    @Inject(StreamingRoutesExplorer) private readonly explorer: StreamingRoutesExplorer,
    @Inject(RoutePipelineFactory) private readonly pipelines: RoutePipelineFactory,
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(ApplicationConfig) private readonly appConfig: ApplicationConfig,
  ) {}

  onModuleInit(): void {
    for (const found of this.explorer.explore()) {
      const { protocol, options } = found.metadata;
      const source = `${found.instance.constructor.name}.${found.methodName}`;
      this.add(source, options, () =>
        this.pipelines.forMethod(found.instance, found.methodName, found.moduleKey, {
          protocol,
          path: applyGlobalPrefix(this.appConfig, found.path),
          options,
          source,
        }),
      );
    }
  }

  /** Registers a route at run time (guards and interceptors from its options). */
  registerHandler(
    protocol: StreamingProtocol,
    rawPath: string,
    handler: StreamingHandler,
    options: StreamingRouteOptions,
  ): void {
    const path = applyGlobalPrefix(this.appConfig, joinPaths(rawPath));
    const source = `StreamingManager.${protocol}(${path})`;
    this.add(source, options, () =>
      this.pipelines.forHandler(
        handler,
        {
          guards: (options.guards ?? []).map((guard) => this.resolveEnhancer<CanActivate>(guard)),
          interceptors: (options.interceptors ?? []).map((interceptor) =>
            this.resolveEnhancer<NestInterceptor>(interceptor),
          ),
        },
        { protocol, path, options, source },
      ),
    );
  }

  private add(
    source: string,
    options: StreamingRouteOptions,
    compile: () => RouteDefinition,
  ): void {
    validateRouteOptions(source, options);
    this.routes.add(compile());
  }

  private resolveEnhancer<T extends object>(enhancer: Enhancer<T>): T {
    if (typeof enhancer !== 'function') return enhancer;
    try {
      return this.moduleRef.get(enhancer as Type<T>, { strict: false });
    } catch {
      const Ctor = enhancer as unknown as new () => T;
      return new Ctor();
    }
  }
}
