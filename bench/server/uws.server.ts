import { createRequire } from 'node:module';
import { BENCH_TOKEN } from '../bench-config.js';
import type { BenchServer } from './bench-server.js';

interface UwsResponse {
  upgrade(data: object, key: string, protocol: string, extensions: string, context: unknown): void;
  writeStatus(status: string): UwsResponse;
  end(body?: string): void;
}
interface UwsRequest {
  getQuery(key: string): string | undefined;
  getHeader(name: string): string;
}
interface UwsSocket {
  send(message: ArrayBuffer, isBinary: boolean): number;
  subscribe(topic: string): boolean;
}
interface UwsBehavior {
  maxBackpressure?: number;
  maxPayloadLength?: number;
  idleTimeout?: number;
  upgrade?: (res: UwsResponse, req: UwsRequest, context: unknown) => void;
  message?: (ws: UwsSocket, message: ArrayBuffer, isBinary: boolean) => void;
  open?: (ws: UwsSocket) => void;
}
interface UwsApp {
  ws(pattern: string, behavior: UwsBehavior): UwsApp;
  listen(host: string, port: number, done: (token: unknown) => void): UwsApp;
  publish(topic: string, message: string): boolean;
  close(): void;
}
interface UwsModule {
  App(): UwsApp;
  us_socket_local_port(token: unknown): number;
}

/** Loads the uWebSockets.js binding; undefined when its native binary does not load here. */
export function loadUws(): UwsModule | undefined {
  try {
    return createRequire(import.meta.url)('@trufflesuite/uws-js-unofficial') as UwsModule;
  } catch {
    return undefined;
  }
}

/** uWebSockets.js (the ceiling): echo, pub/sub fan-out, token check at upgrade. */
export async function startUws(): Promise<BenchServer> {
  const uws = loadUws();
  if (!uws) throw new Error('uWebSockets.js does not load on this machine');
  const limits = { maxBackpressure: 1024 * 1024, maxPayloadLength: 64 * 1024, idleTimeout: 0 };
  const app = uws
    .App()
    .ws('/echo', { ...limits, message: (ws, message, isBinary) => ws.send(message, isBinary) })
    .ws('/fan', { ...limits, open: (ws) => ws.subscribe('fan') })
    .ws('/guarded', {
      ...limits,
      upgrade: (res, req, context) => {
        if (req.getQuery('token') !== BENCH_TOKEN) {
          res.writeStatus('401 Unauthorized').end();
          return;
        }
        res.upgrade(
          {},
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        );
      },
    });
  const port = await new Promise<number>((resolve, reject) => {
    app.listen('127.0.0.1', 0, (token) => {
      if (token) resolve(uws.us_socket_local_port(token));
      else reject(new Error('uWebSockets.js could not listen'));
    });
  });
  return {
    port,
    broadcast: (payload) => void app.publish('fan', payload),
    close: () => {
      app.close();
      return Promise.resolve();
    },
  };
}
