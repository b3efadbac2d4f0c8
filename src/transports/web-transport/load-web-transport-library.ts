import { importWebTransportLibrary } from '../../client/quiet-library-import.js';
import type { WebTransportLibrary } from './web-transport-library.interface.js';

/** The HTTP/3 addon of `@fails-components/webtransport`. */
export const HTTP3_ADDON = '@fails-components/webtransport-transport-http3-quiche';

/** The loaded library and whether its HTTP/3 addon is usable. */
export interface LoadedWebTransportLibrary {
  readonly library: WebTransportLibrary;
  readonly http3Available: boolean;
  /** Why HTTP/3 is unavailable (when it is). */
  readonly http3Problem: string | undefined;
}

async function probeAddon(): Promise<string | undefined> {
  try {
    import.meta.resolve(HTTP3_ADDON);
  } catch {
    return `${HTTP3_ADDON} is not installed`;
  }
  try {
    await import(HTTP3_ADDON);
    return undefined;
  } catch (error) {
    return `${HTTP3_ADDON} failed to load: ${(error as Error).message}`;
  }
}

/**
 * Loads the library lazily (only when WebTransport is enabled) and checks its HTTP/3 addon,
 * without the console output the library prints when the addon is missing.
 */
export async function loadWebTransportLibrary(): Promise<LoadedWebTransportLibrary> {
  const library = await importWebTransportLibrary<WebTransportLibrary>();
  const http3Problem = await probeAddon();
  return { library, http3Available: http3Problem === undefined, http3Problem };
}
