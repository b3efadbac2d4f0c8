import { Inject, Injectable } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { GUARDS_METADATA, INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import type { CanActivate, NestInterceptor } from '@nestjs/common';
import type { HandshakeRequest, StreamingProtocol } from '../interfaces/connection.interface.js';
import type { AnyRouteOptions } from '../interfaces/route-options.interface.js';
import type { RouteDefinition, RouteInvoker } from '../routing/route-definition.js';
import { STREAMING_CONTEXT_TYPE } from '../streaming.constants.js';
import { ConnectionRunner, type StreamingHandler } from './connection-runner.js';
import type { StreamingHandshake } from './streaming-handshake.js';

type MetadataHolder = object;

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
  ): RouteDefinition {
    const method = (instance as Record<string, unknown>)[methodName] as StreamingHandler;
    const source = `${instance.constructor.name}.${methodName}`;
    const route = this.build(instance, methodName, method, (conn) => method.call(instance, conn), {
      protocol,
      path,
      options,
      source,
    });
    return route;
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
    return this.build(host, 'handle', metadataSource, handler, {
      protocol,
      path,
      options,
      source: `StreamingManager.${protocol}(${path})`,
    });
  }

  private build(
    instance: object,
    methodName: string,
    metadataSource: MetadataHolder,
    handler: StreamingHandler,
    shape: Omit<RouteDefinition, 'invoke'>,
  ): RouteDefinition {
    const runner = this.runner;
    const route: { -readonly [K in keyof RouteDefinition]: RouteDefinition[K] } = {
      ...shape,
      invoke: undefined as unknown as RouteInvoker,
    };
    const callback = async function streamingRoute(
      _request: HandshakeRequest,
      handshake: StreamingHandshake,
    ): Promise<void> {
      const conn = await handshake.accept();
      try {
        await runner.run(conn, route, handler);
      } catch (error) {
        handshake.failure = error;
        throw error;
      }
    };
    copyMetadata(metadataSource, callback);
    route.invoke = this.externalContextCreator.create(
      instance,
      callback as (...args: unknown[]) => unknown,
      methodName,
      undefined,
      undefined,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: true },
      STREAMING_CONTEXT_TYPE,
    ) as RouteInvoker;
    return route;
  }
}
