import {
  ForbiddenException,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { ExternalExceptionsHandler } from '@nestjs/core/exceptions/external-exceptions-handler.js';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import { readGatewayParams } from '../decorators/gateway-metadata.js';
import { NestEnhancers, type EnhancedCallback } from '../handshake/nest-enhancers.service.js';
import { STREAMING_CONTEXT_TYPE } from '../streaming.constants.js';
import type { EventEnvelope } from '../wire/envelope.js';
import type { GatewayConnectionHandle } from './gateway-connection.js';
import { isThenable, resolveArgs, type CompiledParam } from './message-params.js';

/**
 * One `@OnMessage` method with its pipeline resolved: method guards, pipes (global, class,
 * method and parameter ones), method interceptors and exception filters (global, class, method).
 */
export interface CompiledMessageHandler {
  /** Where it came from (`ChatGateway.send`), for log lines. */
  readonly source: string;
  /**
   * Runs the pipeline for one event: guards → pipes → interceptors → method. Returns the reply
   * value (an Observable as the method returned it), or a promise when any step is
   * asynchronous; throws (or rejects) with what a step threw.
   */
  invoke(conn: GatewayConnectionHandle, envelope: EventEnvelope): unknown;
  /** Runs the exception filters: undefined when none handled the error, else the filter's result. */
  recover(error: unknown, conn: GatewayConnectionHandle, envelope: EventEnvelope): unknown;
}

function messageContext(
  instance: object,
  method: EnhancedCallback,
  conn: GatewayConnectionHandle,
  envelope: EventEnvelope,
): ExecutionContextHost {
  const context = new ExecutionContextHost(
    [conn, envelope.data, envelope],
    instance.constructor as never,
    method,
  );
  context.setType(STREAMING_CONTEXT_TYPE);
  return context;
}

/** A guard's answer as a boolean or a promise of one. */
function guardAnswer(guard: CanActivate, context: ExecutionContext): boolean | Promise<boolean> {
  const answer = guard.canActivate(context);
  if (typeof answer === 'boolean') return answer;
  if (isObservable(answer)) return lastValueFrom(answer as Observable<boolean>);
  return Promise.resolve(answer);
}

/** Runs guards in order; synchronous while they are. Throws 403 when one refuses. */
function runGuards(
  guards: readonly CanActivate[],
  context: ExecutionContext,
  from = 0,
): void | Promise<void> {
  for (let i = from; i < guards.length; i += 1) {
    const answer = guardAnswer(guards[i], context);
    if (answer === true) continue;
    if (answer === false) throw new ForbiddenException('Forbidden resource');
    return answer.then((allowed) => {
      if (!allowed) throw new ForbiddenException('Forbidden resource');
      return runGuards(guards, context, i + 1);
    });
  }
}

/**
 * Compiles gateway handlers once (at the first connection of their gateway, so every global
 * enhancer registered before the application started listening applies). Per message nothing is
 * resolved: the compiled function runs the steps, synchronously while every step is.
 */
@Injectable()
export class MessageHandlerCompiler {
  constructor(@Inject(NestEnhancers) private readonly enhancers: NestEnhancers) {}

  compile(instance: object, methodName: string, moduleKey: string): CompiledMessageHandler {
    const method = (instance as Record<string, EnhancedCallback>)[methodName];
    const source = `${instance.constructor.name}.${methodName}`;
    const guards = this.enhancers.methodGuards(method, moduleKey);
    const interceptors = this.enhancers.methodInterceptors(method, moduleKey);
    const params = this.compileParams(instance, methodName, method, moduleKey);
    const filters = this.enhancers.filtersFor(instance, method, moduleKey);
    const { interceptorsConsumer } = this.enhancers;

    const call = (conn: GatewayConnectionHandle, envelope: EventEnvelope): unknown => {
      const args = resolveArgs(params, conn, envelope);
      if (Array.isArray(args)) return method.apply(instance, args);
      return args.then((resolved) => method.apply(instance, resolved));
    };
    const intercepted =
      interceptors.length === 0
        ? call
        : (conn: GatewayConnectionHandle, envelope: EventEnvelope): unknown =>
            interceptorsConsumer
              .intercept(
                interceptors,
                [conn, envelope.data, envelope],
                instance,
                method,
                async () => call(conn, envelope),
                STREAMING_CONTEXT_TYPE,
              )
              .then((result) =>
                isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result,
              );
    const invoke =
      guards.length === 0
        ? intercepted
        : (conn: GatewayConnectionHandle, envelope: EventEnvelope): unknown => {
            const guarded = runGuards(guards, messageContext(instance, method, conn, envelope));
            if (isThenable(guarded)) return guarded.then(() => intercepted(conn, envelope));
            return intercepted(conn, envelope);
          };
    return {
      source,
      invoke,
      recover: (error, conn, envelope) =>
        recoverWith(filters, error, instance, method, conn, envelope),
    };
  }

  /** A plain call of an `@OnConnect` / `@OnDisconnect` method, with its `@Conn()`/`@Param()`s. */
  compileLifecycle(
    instance: object,
    methodName: string,
    moduleKey: string,
  ): (conn: GatewayConnectionHandle) => unknown {
    const method = (instance as Record<string, EnhancedCallback>)[methodName];
    const params = this.compileParams(instance, methodName, method, moduleKey);
    const none: EventEnvelope = { event: '' };
    return (conn) => {
      if (params.length === 0) return method.call(instance, conn);
      const args = resolveArgs(params, conn, none);
      if (Array.isArray(args)) return method.apply(instance, args);
      return args.then((resolved) => method.apply(instance, resolved));
    };
  }

  private compileParams(
    instance: object,
    methodName: string,
    method: EnhancedCallback,
    moduleKey: string,
  ): CompiledParam[] {
    const declared = readGatewayParams(method);
    if (declared.length === 0) return [];
    const shared = this.enhancers.pipesFor(instance, method, moduleKey);
    const types =
      (Reflect.getMetadata('design:paramtypes', instance, methodName) as unknown[] | undefined) ??
      [];
    return declared.map((param) => ({
      index: param.index,
      kind: param.kind,
      key: param.key,
      pipes:
        param.kind === 'connection'
          ? []
          : [...shared, ...this.enhancers.parameterPipes([...param.pipes], moduleKey)],
      metadata: {
        type: param.kind === 'param' ? 'param' : 'body',
        metatype: types[param.index] as never,
        data: param.key,
      },
    }));
  }
}

function recoverWith(
  filters: ExternalExceptionsHandler,
  error: unknown,
  instance: object,
  method: EnhancedCallback,
  conn: GatewayConnectionHandle,
  envelope: EventEnvelope,
): unknown {
  return filters.invokeCustomFilters(error, messageContext(instance, method, conn, envelope));
}
