import { InvalidConfigError } from '../errors/invalid-config.error.js';
import type { OriginCheck } from '../interfaces/streaming-config.interface.js';
import { isHostAllowed } from './host-check.js';

const ORIGIN_PATTERN = /^(https?|wss?):\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i;

/** Validates an origin policy, naming `field` in the error. */
export function validateOriginCheck(field: string, value: unknown): void {
  if (typeof value === 'boolean' || typeof value === 'function') return;
  if (!Array.isArray(value)) {
    throw new InvalidConfigError(field, 'must be true, false, a list of origins or a function');
  }
  value.forEach((origin, index) => {
    if (typeof origin !== 'string' || !ORIGIN_PATTERN.test(origin)) {
      throw new InvalidConfigError(
        `${field}[${index}]`,
        `is not a valid origin ("${String(origin)}"); use "https://host[:port]" or "https://*.host"`,
      );
    }
  });
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function matchesPattern(origin: string, pattern: string): boolean {
  const lowerOrigin = origin.toLowerCase();
  const lowerPattern = pattern.toLowerCase();
  const wildcard = lowerPattern.indexOf('://*.');
  if (wildcard === -1) return lowerOrigin === lowerPattern;
  const scheme = lowerPattern.slice(0, wildcard + 3);
  const suffix = lowerPattern.slice(wildcard + 4);
  return (
    lowerOrigin.startsWith(scheme) &&
    lowerOrigin.endsWith(suffix) &&
    lowerOrigin.length > scheme.length + suffix.length
  );
}

/**
 * Whether a request with this `Origin` and `Host` passes the policy. With `allowedHosts`, the
 * same-origin rule (`true`) compares the Origin's host with that list instead of with the
 * request's `Host` (which a DNS-rebinding page controls).
 */
export function isOriginAllowed(
  check: OriginCheck,
  origin: string | undefined,
  host: string | undefined,
  path: string,
  allowedHosts?: readonly string[],
): boolean {
  if (check === false) return true;
  if (typeof check === 'function') return check({ origin: origin ?? '', host: host ?? '', path });
  if (check === true) {
    if (!origin) return true;
    const originHost = hostOf(origin);
    if (originHost === undefined) return false;
    if (allowedHosts) return isHostAllowed(allowedHosts, originHost);
    return originHost === (host ?? '').toLowerCase();
  }
  if (!origin) return true;
  return check.some((pattern) => matchesPattern(origin, pattern));
}
