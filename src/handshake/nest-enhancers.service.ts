import {
  Inject,
  Injectable,
  type CanActivate,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { GUARDS_METADATA, INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, ModulesContainer, type NestContainer } from '@nestjs/core';
import { ExternalExceptionFilterContext } from '@nestjs/core/exceptions/external-exception-filter-context.js';
import type { ExternalExceptionsHandler } from '@nestjs/core/exceptions/external-exceptions-handler.js';
import { GuardsConsumer } from '@nestjs/core/guards/guards-consumer.js';
import { GuardsContextCreator } from '@nestjs/core/guards/guards-context-creator.js';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import { InterceptorsContextCreator } from '@nestjs/core/interceptors/interceptors-context-creator.js';
import { PipesConsumer } from '@nestjs/core/pipes/pipes-consumer.js';
import { PipesContextCreator } from '@nestjs/core/pipes/pipes-context-creator.js';

/** A host and a method without enhancer metadata (to set a context creator's module only). */
const NO_HOST = {};
const NO_METHOD: EnhancedCallback = () => undefined;

/** A handler as Nest's context creators take it (enhancer metadata is read from it). */
export type EnhancedCallback = (...args: unknown[]) => unknown;

/**
 * Nest's enhancer machinery, built once for the streaming pipelines: guards, interceptors, pipes
 * and exception filters declared on a class or method, plus the application's global ones
 * (`app.useGlobalGuards/Interceptors/Pipes/Filters`, read from `ApplicationConfig`).
 *
 * Built from Nest's public classes and injection tokens (`ModulesContainer`, `ApplicationConfig`)
 * rather than Nest's `ExternalContextCreator`, whose `create()` finds a host's module only among
 * providers: guards declared by class on a controller would resolve to nothing there. Here the
 * module key comes from discovery. The context creators read nothing of the container but its
 * modules, which is all the view below gives them.
 */
@Injectable()
export class NestEnhancers {
  readonly guardsConsumer = new GuardsConsumer();
  readonly interceptorsConsumer = new InterceptorsConsumer();
  readonly pipesConsumer = new PipesConsumer();
  private readonly guards: GuardsContextCreator;
  private readonly interceptors: InterceptorsContextCreator;
  private readonly pipes: PipesContextCreator;
  private readonly filters: ExternalExceptionFilterContext;

  constructor(
    @Inject(ModulesContainer) modules: ModulesContainer,
    @Inject(ApplicationConfig) config: ApplicationConfig,
  ) {
    const container = { getModules: () => modules } as unknown as NestContainer;
    this.guards = new GuardsContextCreator(container, config);
    this.interceptors = new InterceptorsContextCreator(container, config);
    this.pipes = new PipesContextCreator(container, config);
    this.filters = new ExternalExceptionFilterContext(container, config);
  }

  /** Guards of the host and handler, global ones first. */
  guardsFor(instance: object, callback: EnhancedCallback, moduleKey: string): CanActivate[] {
    return this.guards.create(instance, callback, moduleKey);
  }

  /** Interceptors of the host and handler, global ones first. */
  interceptorsFor(
    instance: object,
    callback: EnhancedCallback,
    moduleKey: string,
  ): NestInterceptor[] {
    return this.interceptors.create(instance, callback, moduleKey);
  }

  /**
   * Guards declared on the method alone (no class or global ones: those ran at the handshake);
   * classes are resolved in the module `moduleKey`. Used per message by event gateways.
   */
  methodGuards(method: EnhancedCallback, moduleKey: string): CanActivate[] {
    this.guards.create(NO_HOST, NO_METHOD, moduleKey);
    return this.guards.createConcreteContext(
      (Reflect.getMetadata(GUARDS_METADATA, method) as unknown[] | undefined) ?? [],
    );
  }

  /** Interceptors declared on the method alone (see {@link methodGuards}). */
  methodInterceptors(method: EnhancedCallback, moduleKey: string): NestInterceptor[] {
    this.interceptors.create(NO_HOST, NO_METHOD, moduleKey);
    return this.interceptors.createConcreteContext(
      (Reflect.getMetadata(INTERCEPTORS_METADATA, method) as unknown[] | undefined) ?? [],
    );
  }

  /** Pipes of the host and handler (`@UsePipes`), global ones first. */
  pipesFor(instance: object, callback: EnhancedCallback, moduleKey: string): PipeTransform[] {
    return this.pipes.create(instance, callback, moduleKey);
  }

  /** Pipe instances for a parameter's own pipes (classes are resolved in the module). */
  parameterPipes(pipes: unknown[], moduleKey: string): PipeTransform[] {
    this.pipes.setModuleContext(moduleKey);
    return this.pipes.createConcreteContext(pipes as never[]);
  }

  /** Exception filters of the host and handler, with the global ones. */
  filtersFor(
    instance: object,
    callback: EnhancedCallback,
    moduleKey: string,
  ): ExternalExceptionsHandler {
    return this.filters.create(
      instance,
      callback as Parameters<ExternalExceptionFilterContext['create']>[1],
      moduleKey,
    );
  }
}
