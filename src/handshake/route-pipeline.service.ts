import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { GUARDS_METADATA, INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import type { CanActivate, NestInterceptor } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { GuardsConsumer } from '@nestjs/core/guards/guards-consumer.js';
import type { GuardsContextCreator } from '@nestjs/core/guards/guards-context-creator.js';
import type { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import type { InterceptorsContextCreator } from '@nestjs/core/interceptors/interceptors-context-creator.js';
import type { ExternalExceptionFilterContext } from '@nestjs/core/exceptions/external-exception-filter-context.js';
import { isObservable, lastValueFrom } from 'rxjs';
import type { HandshakeRequest, StreamingProtocol } from '../interfaces/connection.interface.js';
import type { AnyRouteOptions } from '../interfaces/route-options.interface.js';
import type { RouteDefinition, RouteInvoker } from './route-definition.js';
import { STREAMING_CONTEXT_TYPE } from '../streaming.constants.js';
import { ConnectionRunner, type StreamingHandler } from './connection-runner.service.js';
import type { StreamingHandshake } from './streaming-handshake.js';

type MetadataHolder = object;

/** Records why an accepted connection failed (the transport maps it to a close code), then rethrows. */
function fail(handshake: StreamingHandshake, error: unknown): never {
  handshake.failure = error;
  throw error;
}

/** Copies every Reflect metadata entry of a method onto another function. */
function copyMetadata(from: MetadataHolder, to: MetadataHolder): void {
  for (const key of Reflect.getMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, from), to);
  }
}

/** The host object of a programmatic route (what `context.getClass()` returns for it). */
export class ProgrammaticStreamingRoute {
  constructor(readonly handle: StreamingHandler) {}
}

/**
 * The enhancer machinery inside Nest's `ExternalContextCreator`. It is used directly (rather than
 * `create()`) because `create()` finds a host's module only among providers, so guards declared
 * on a controller would resolve to nothing; here the module key comes from discovery.
 */
interface EnhancerMachinery {
  readonly guardsContextCreator: GuardsContextCreator;
  readonly guardsConsumer: GuardsConsumer;
  readonly interceptorsContextCreator: InterceptorsContextCreator;
  readonly interceptorsConsumer: InterceptorsConsumer;
  readonly filtersContextCreator: ExternalExceptionFilterContext;
}

/** Instances of guards and interceptors for a programmatic route. */
export interface ResolvedEnhancers {
  guards: CanActivate[];
  interceptors: NestInterceptor[];
}

/**
 * Builds each route's pipeline with Nest's `ExternalContextCreator`: guards (global, class and
 * method), interceptors and exception filters run with the context type `forge-streaming`,
 * around a callback that accepts the connection and runs it to its end.
 */
@Injectable()
export class StreamingContextCreator {
  constructor(
    @Inject(ExternalContextCreator) private readonly externalContextCreator: ExternalContextCreator,
    @Inject(ConnectionRunner) private readonly runner: ConnectionRunner,
  ) {}

  /** A route for a decorated method. */
  forMethod(
    instance: object,
    methodName: string,
    protocol: StreamingProtocol,
    path: string,
    options: AnyRouteOptions,
    moduleKey: string,
  ): RouteDefinition {
    const method = (instance as Record<string, unknown>)[methodName] as StreamingHandler;
    const source = `${instance.constructor.name}.${methodName}`;
    return this.build(instance, moduleKey, method, (conn) => method.call(instance, conn), {
      protocol,
      path,
      options,
      source,
    });
  }

  /** A route for a handler registered at run time through `StreamingManager`. */
  forHandler(
    handler: StreamingHandler,
    protocol: StreamingProtocol,
    path: string,
    options: AnyRouteOptions,
    enhancers: ResolvedEnhancers,
  ): RouteDefinition {
    const host = new ProgrammaticStreamingRoute(handler);
    const metadataSource = function programmaticRoute() {};
    Reflect.defineMetadata(GUARDS_METADATA, enhancers.guards, metadataSource);
    Reflect.defineMetadata(INTERCEPTORS_METADATA, enhancers.interceptors, metadataSource);
    return this.build(host, '', metadataSource, handler, {
      protocol,
      path,
      options,
      source: `StreamingManager.${protocol}(${path})`,
    });
  }

  private build(
    instance: object,
    moduleKey: string,
    metadataSource: MetadataHolder,
    handler: StreamingHandler,
    shape: Omit<RouteDefinition, 'invoke'>,
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
      handshake: StreamingHandshake,
    ): Promise<void> {
      return handshake
        .accept()
        .then((conn) =>
          runner
            .run(conn, route, handler, untilClosed)
            .catch((error: unknown) => fail(handshake, error)),
        );
    };
    copyMetadata(metadataSource, callback);
    const compiled = this.compile(instance, moduleKey, callback as (...args: unknown[]) => unknown);
    untilClosed = compiled.intercepted;
    route.invoke = compiled.invoke;
    return route;
  }

  /** Guards, then interceptors around the callback, with exception filters around both. */
  private compile(
    instance: object,
    moduleKey: string,
    callback: (...args: unknown[]) => unknown,
  ): { invoke: RouteInvoker; intercepted: boolean } {
    const nest = this.externalContextCreator as unknown as EnhancerMachinery;
    const guards = nest.guardsContextCreator.create(instance, callback, moduleKey);
    const interceptors = nest.interceptorsContextCreator.create(instance, callback, moduleKey);
    const filters = nest.filtersContextCreator.create(
      instance,
      callback as Parameters<ExternalExceptionFilterContext['create']>[1],
      moduleKey,
    );
    const intercepted = interceptors.length > 0;
    const invoke: RouteInvoker = async (request, handshake) => {
      const args: unknown[] = [request, handshake];
      try {
        if (
          guards.length > 0 &&
          !(await nest.guardsConsumer.tryActivate(
            guards,
            args,
            instance,
            callback,
            STREAMING_CONTEXT_TYPE,
          ))
        ) {
          throw new ForbiddenException('Forbidden resource');
        }
        if (!intercepted) return await callback(...args);
        const result = await nest.interceptorsConsumer.intercept(
          interceptors,
          args,
          instance,
          callback,
          async () => callback(...args),
          STREAMING_CONTEXT_TYPE,
        );
        return isObservable(result)
          ? await lastValueFrom(result, { defaultValue: undefined })
          : result;
      } catch (error) {
        const host = new ExecutionContextHost(args);
        host.setType(STREAMING_CONTEXT_TYPE);
        return filters.next(error as Error, host);
      }
    };
    return { invoke, intercepted };
  }
}
