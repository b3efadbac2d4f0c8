/**
 * Loads `@fails-components/webtransport` (its Node entry) without the console noise it makes when
 * its optional HTTP/3 addon is absent: while the module initializes and its addon probe settles,
 * console lines that mention the addon are held back; every other line passes through.
 */

const LIBRARY = '@fails-components/webtransport';
const NOISE = /quiche|http3 loader|http3-quiche/i;

type ConsoleMethod = 'error' | 'log' | 'warn';

let pending: Promise<unknown> | undefined;

function mentionsAddon(args: readonly unknown[]): boolean {
  return args.some((arg) => {
    if (typeof arg === 'string') return NOISE.test(arg);
    if (arg instanceof Error) return NOISE.test(arg.message);
    return false;
  });
}

async function importQuietly(): Promise<unknown> {
  const methods: ConsoleMethod[] = ['error', 'log', 'warn'];
  const originals = methods.map((name) => console[name]);
  methods.forEach((name, index) => {
    const original = originals[index];
    console[name] = (...args: unknown[]) => {
      if (!mentionsAddon(args)) original.apply(console, args);
    };
  });
  try {
    const lib = (await import(LIBRARY)) as { quicheLoaded?: Promise<unknown> };
    await lib.quicheLoaded;
    // The server half of the library probes the addon separately; let that probe settle too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return lib;
  } finally {
    methods.forEach((name, index) => (console[name] = originals[index]));
  }
}

/** The library's Node module, loaded once and quietly. */
export function importWebTransportLibrary<T>(): Promise<T> {
  pending ??= importQuietly();
  return pending as Promise<T>;
}
