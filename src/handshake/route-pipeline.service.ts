import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { CanActivate, NestInterceptor } from '@nestjs/common';
import { GUARDS_METADATA, INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { isObservable, lastValueFrom } from 'rxjs';
import type { HandshakeRequest } from '../interfaces/connection.interface.js';
import { STREAMING_CONTEXT_TYPE } from '../streaming.constants.js';
import { ConnectionRunner, type StreamingHandler } from './connection-runner.service.js';
import { NestEnhancers, type EnhancedCallback } from './nest-enhancers.service.js';
import type { PipelineHandshake, RouteDefinition, RouteInvoker } from './route-definition.js';

/** Records why an accepted connection failed (the transport maps it to a close code), then rethrows. */
function fail(handshake: PipelineHandshake, error: unknown): never {
  handshake.failure = error;
  throw error;
}

/** The host object of a programmatic route (what `context.getClass()` returns for it). */
export class ProgrammaticStreamingRoute {
  constructor(readonly handle: StreamingHandler) {}
}

/** Instances of guards and interceptors for a programmatic route. */
export interface ResolvedEnhancers {
  guards: CanActivate[];
  interceptors: NestInterceptor[];
}

/** What a route is, before its pipeline is compiled. */
export type RouteShape = Omit<RouteDefinition, 'invoke'>;

/**
 * Compiles each route's handshake pipeline: guards (global, class and method), interceptors and
 * exception filters run with the context type `forge-streaming`, around a callback that accepts
 * the connection and runs it to its end. Everything is resolved once, at registration.
 */
@Injectable()
export class RoutePipelineFactory {
  constructor(
    @Inject(NestEnhancers) private readonly enhancers: NestEnhancers,
    @Inject(ConnectionRunner) private readonly runner: ConnectionRunner,
  ) {}

  /** A route for a decorated method of `instance`, declared in the module `moduleKey`. */
  forMethod(
    instance: object,
    methodName: string,
    moduleKey: string,
    shape: RouteShape,
  ): RouteDefinition {
    const method = (instance as Record<string, unknown>)[methodName] as StreamingHandler;
    return this.build(instance, moduleKey, method, (conn) => method.call(instance, conn), shape);
  }

  /**
   * A route served by `handler` for a class host (an event gateway): the global and class-level
   * guards, interceptors and filters of `instance` run at the handshake, none of a method's.
   */
  forHost(
    instance: object,
    moduleKey: string,
    handler: StreamingHandler,
    shape: RouteShape,
  ): RouteDefinition {
    return this.build(instance, moduleKey, function gatewayRoute() {}, handler, shape);
  }

  /** A route for a handler registered at run time through `StreamingManager`. */
  forHandler(
    handler: StreamingHandler,
    enhancers: ResolvedEnhancers,
    shape: RouteShape,
  ): RouteDefinition {
    const host = new ProgrammaticStreamingRoute(handler);
    // What `context.getHandler()` returns for it: a function of its own (the enhancers' metadata
    // lives on it), named after the handler, else after the route, so per-handler keys
    // (throttler buckets) differ between routes.
    const metadataSource = function programmaticRoute() {};
    Object.defineProperty(metadataSource, 'name', {
      value: handler.name || `${shape.protocol} ${shape.path}`,
    });
    Reflect.defineMetadata(GUARDS_METADATA, enhancers.guards, metadataSource);
    Reflect.defineMetadata(INTERCEPTORS_METADATA, enhancers.interceptors, metadataSource);
    return this.build(host, '', metadataSource, handler, shape);
  }

  /**
   * `contextHandler` is what guards, interceptors and filters see as `context.getHandler()`:
   * the decorated method itself (its metadata, its name), or the programmatic route's own
   * function. `handler` is what runs.
   */
  private build(
    instance: object,
    moduleKey: string,
    contextHandler: StreamingHandler | (() => void),
    handler: StreamingHandler,
    shape: RouteShape,
  ): RouteDefinition {
    const runner = this.runner;
    const route: { -readonly [K in keyof RouteDefinition]: RouteDefinition[K] } = {
      ...shape,
      invoke: undefined as unknown as RouteInvoker,
    };
    // Interceptors observe the connection's whole life, so with interceptors the pipeline lasts
    // until the connection closes; without, it ends when the handler settles and nothing stays
    // pending for an idle connection.
    let untilClosed = true;
    const callback = function streamingRoute(
      _request: HandshakeRequest,
      handshake: PipelineHandshake,
    ): Promise<void> {
      return handshake
        .accept()
        .then((conn) =>
          runner
            .run(conn, route, handler, untilClosed)
            .catch((error: unknown) => fail(handshake, error)),
        );
    };
    const compiled = this.compile(
      instance,
      moduleKey,
      callback,
      contextHandler as EnhancedCallback,
    );
    untilClosed = compiled.intercepted;
    route.invoke = compiled.invoke;
    return route;
  }

  /** Guards, then interceptors around the callback, with exception filters around both. */
  private compile(
    instance: object,
    moduleKey: string,
    callback: (request: HandshakeRequest, handshake: PipelineHandshake) => Promise<void>,
    handler: EnhancedCallback,
  ): { invoke: RouteInvoker; intercepted: boolean } {
    const { guardsConsumer, interceptorsConsumer } = this.enhancers;
    const guards = this.enhancers.guardsFor(instance, handler, moduleKey);
    const interceptors = this.enhancers.interceptorsFor(instance, handler, moduleKey);
    const filters = this.enhancers.filtersFor(instance, handler, moduleKey);
    const classRef = instance.constructor as new (...args: never[]) => unknown;
    const intercepted = interceptors.length > 0;
    const invoke: RouteInvoker = async (request, handshake) => {
      const args: [HandshakeRequest, PipelineHandshake] = [request, handshake];
      try {
        if (
          guards.length > 0 &&
          !(await guardsConsumer.tryActivate(
            guards,
            args,
            instance,
            handler,
            STREAMING_CONTEXT_TYPE,
          ))
        ) {
          throw new ForbiddenException('Forbidden resource');
        }
        if (!intercepted) return await callback(...args);
        const result = await interceptorsConsumer.intercept(
          interceptors,
          args,
          instance,
          handler,
          async () => callback(...args),
          STREAMING_CONTEXT_TYPE,
        );
        return isObservable(result)
          ? await lastValueFrom(result, { defaultValue: undefined })
          : result;
      } catch (error) {
        const host = new ExecutionContextHost(args, classRef, handler);
        host.setType(STREAMING_CONTEXT_TYPE);
        return filters.next(error as Error, host);
      }
    };
    return { invoke, intercepted };
  }
}
