import {
  Inject,
  Injectable,
  Logger,
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
import { InvalidRouteError } from '../errors/invalid-route.error.js';
import { RestRouteIndex } from '../routing/rest-route-index.js';
import { RouteTable } from '../routing/route-table.service.js';
import { RestRoutesExplorer } from './rest-routes.explorer.js';
import { applyGlobalPrefix } from './global-prefix.js';
import { StreamingRoutesExplorer } from './streaming-routes.explorer.js';

/** How the route log names each protocol (where Nest writes `GET`, `POST`). */
const ROUTE_LOG_METHODS: Record<StreamingProtocol, string> = {
  websocket: 'WEBSOCKET',
  sse: 'SSE',
  webtransport: 'WEBTRANSPORT',
};

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
  /** Nest's own route-log context, so streaming routes appear among the REST ones. */
  private readonly routeLog = new Logger('RouterExplorer');

  constructor(
    @Inject(StreamingRoutesExplorer) private readonly explorer: StreamingRoutesExplorer,
    @Inject(RoutePipelineFactory) private readonly pipelines: RoutePipelineFactory,
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(ApplicationConfig) private readonly appConfig: ApplicationConfig,
    @Inject(RestRoutesExplorer) private readonly restExplorer: RestRoutesExplorer,
    @Inject(RestRouteIndex) private readonly restRoutes: RestRouteIndex,
  ) {}

  onModuleInit(): void {
    for (const rest of this.restExplorer.explore()) {
      this.restRoutes.add({ ...rest, path: applyGlobalPrefix(this.appConfig, rest.path) });
    }
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
    const route = compile();
    const rest = route.protocol === 'sse' ? this.restRoutes.samePath(route.path) : undefined;
    if (rest) {
      throw new InvalidRouteError(
        `SSE route GET ${route.path} (${route.source}) conflicts with REST route GET ${rest.path} (${rest.source}): both answer the same method and path`,
      );
    }
    this.routes.add(route);
    this.routeLog.log(`Mapped {${route.path}, ${ROUTE_LOG_METHODS[route.protocol]}} route`);
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
