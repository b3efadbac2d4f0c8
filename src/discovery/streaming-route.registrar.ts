import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { validateRouteOptions } from '../config/resolve-config.js';
import { StreamingContextCreator } from '../handshake/route-pipeline.service.js';
import { RouteTable } from '../routing/route-table.service.js';
import { StreamingRoutesExplorer } from './streaming-routes.explorer.js';

/** Turns discovered decorated methods into routes when the module initializes. */
@Injectable()
export class StreamingRouteRegistrar implements OnModuleInit {
  constructor(
    @Inject(StreamingRoutesExplorer) private readonly explorer: StreamingRoutesExplorer,
    @Inject(StreamingContextCreator) private readonly contextCreator: StreamingContextCreator,
    @Inject(RouteTable) private readonly routes: RouteTable,
  ) {}

  onModuleInit(): void {
    for (const found of this.explorer.explore()) {
      const { protocol, options } = found.metadata;
      validateRouteOptions(`${found.instance.constructor.name}.${found.methodName}`, options);
      this.routes.add(
        this.contextCreator.forMethod(
          found.instance,
          found.methodName,
          protocol,
          found.path,
          options,
          found.moduleKey,
        ),
      );
    }
  }
}
