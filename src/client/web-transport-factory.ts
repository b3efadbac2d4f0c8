import type { WebTransportConstructor } from './web-transport-like.js';

/** Where a client session comes from. */
export type WebTransportImplementation = 'native' | 'ponyfill' | 'node';

interface PonyfillModule {
  readonly WebTransportPonyfill: WebTransportConstructor;
}

interface NodeModule {
  readonly WebTransport: WebTransportConstructor;
}

/** Whether this runs in Node.js (not a browser). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' && typeof globalThis.document === 'undefined';
}

/** The browser's own `WebTransport`, when it has one. */
export function nativeWebTransport(): WebTransportConstructor | undefined {
  const native = (globalThis as { WebTransport?: WebTransportConstructor }).WebTransport;
  return typeof native === 'function' ? native : undefined;
}

/**
 * Loads the library's browser ponyfill (the WebSocket mapping). The library's browser module
 * probes native WebTransport at load time by connecting to an outside host; that probe is skipped
 * by hiding the native constructor while the module initializes.
 */
export async function loadPonyfill(): Promise<WebTransportConstructor> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'WebTransport');
  if (descriptor) {
    Object.defineProperty(globalThis, 'WebTransport', {
      value: undefined,
      configurable: true,
      writable: true,
    });
  }
  try {
    const module: unknown = await import('@fails-components/webtransport');
    return (module as PonyfillModule).WebTransportPonyfill;
  } finally {
    if (descriptor) Object.defineProperty(globalThis, 'WebTransport', descriptor);
  }
}

/** Loads the library's Node client (quietly, see `quiet-library-import`). */
export async function loadNodeClient(): Promise<WebTransportConstructor> {
  const { importWebTransportLibrary } = await import('./quiet-library-import.js');
  const module = await importWebTransportLibrary<NodeModule>();
  return module.WebTransport;
}

/**
 * Picks the implementation: Node's client in Node; in a browser the native `WebTransport` unless
 * it is missing or `forceReliable` asks for the WebSocket mapping, then the ponyfill.
 */
export async function resolveWebTransport(
  forceReliable: boolean | undefined,
): Promise<{ ctor: WebTransportConstructor; implementation: WebTransportImplementation }> {
  if (isNode()) return { ctor: await loadNodeClient(), implementation: 'node' };
  const native = nativeWebTransport();
  if (native && !forceReliable) return { ctor: native, implementation: 'native' };
  return { ctor: await loadPonyfill(), implementation: 'ponyfill' };
}
