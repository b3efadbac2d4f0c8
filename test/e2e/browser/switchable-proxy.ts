import net from 'node:net';

/** A loopback TCP proxy whose target port can change: new connections go to the current one. */
export interface SwitchableProxy {
  /** The proxy's own port on 127.0.0.1. */
  readonly port: number;
  /** Sends the connections opened from now on to `port` (open ones stay where they are). */
  target(port: number): void;
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on 127.0.0.1 in front of `initialTarget`: a page served through it keeps
 * one origin while the instance behind it changes, as behind a load balancer.
 */
export async function startSwitchableProxy(initialTarget: number): Promise<SwitchableProxy> {
  let current = initialTarget;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(current, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    target: (port) => (current = port),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
