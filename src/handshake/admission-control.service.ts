import { Inject, Injectable } from '@nestjs/common';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';

/**
 * Counts connection attempts in flight so that `maxConnections` holds even when many handshakes
 * run concurrently (active + pending never exceeds the limit).
 */
@Injectable()
export class AdmissionControl {
  private readonly pendingByProtocol = new Map<StreamingProtocol, number>();
  private readonly pendingByRoute = new Map<string, number>();

  constructor(@Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry) {}

  /**
   * Reserves a slot; returns a release function, or undefined when the protocol-wide or route
   * limit is reached.
   */
  tryAdmit(
    protocol: StreamingProtocol,
    route: string,
    protocolLimit: number,
    routeLimit: number | undefined,
  ): (() => void) | undefined {
    const pending = this.pendingByProtocol.get(protocol) ?? 0;
    if (this.registry.countOf(protocol) + pending >= protocolLimit) return undefined;
    const routeKey = `${protocol} ${route}`;
    const routePending = this.pendingByRoute.get(routeKey) ?? 0;
    if (
      routeLimit !== undefined &&
      this.registry.countOnRoute(protocol, route) + routePending >= routeLimit
    ) {
      return undefined;
    }
    this.pendingByProtocol.set(protocol, pending + 1);
    this.pendingByRoute.set(routeKey, routePending + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pendingByProtocol.set(protocol, (this.pendingByProtocol.get(protocol) ?? 1) - 1);
      this.pendingByRoute.set(routeKey, (this.pendingByRoute.get(routeKey) ?? 1) - 1);
    };
  }
}
