import { InvalidConfigError } from '../errors/invalid-config.error.js';

const NAME_ENTRY =
  /^(\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;
const IPV6_ENTRY = /^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/** A `Host` value split into its name (lower case, no trailing dot) and port ('' when absent). */
interface HostParts {
  readonly name: string;
  readonly port: string;
}

function partsOf(value: string): HostParts | undefined {
  const lower = value.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(lower);
  if (!match) return undefined;
  const name = match[1].endsWith('.') ? match[1].slice(0, -1) : match[1];
  if (name.length === 0) return undefined;
  return { name, port: match[2] ?? '' };
}

/** Validates an `allowedHosts` list, naming `field` in the error. */
export function validateAllowedHosts(field: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidConfigError(field, 'must be a non-empty list of host names');
  }
  value.forEach((entry, index) => {
    if (typeof entry !== 'string' || !(NAME_ENTRY.test(entry) || IPV6_ENTRY.test(entry))) {
      throw new InvalidConfigError(
        `${field}[${index}]`,
        `is not a valid host ("${String(entry)}"); use "example.com", "example.com:8443", ` +
          '"*.example.com" or "[::1]"',
      );
    }
  });
}

function matchesEntry(host: HostParts, entry: string): boolean {
  const allowed = partsOf(entry.startsWith('*.') ? entry.slice(2) : entry);
  if (!allowed) return false;
  if (allowed.port !== '' && allowed.port !== host.port) return false;
  if (!entry.startsWith('*.')) return host.name === allowed.name;
  return host.name.endsWith(`.${allowed.name}`);
}

/**
 * Whether `host` (a `Host` header, or an Origin's `host[:port]`) is one of `allowedHosts`. An
 * entry without a port allows every port of that name; `*.example.com` allows its subdomains
 * (not `example.com` itself). Names compare case-insensitively, a trailing dot ignored. A
 * missing or malformed host is never allowed.
 */
export function isHostAllowed(allowedHosts: readonly string[], host: string | undefined): boolean {
  if (host === undefined) return false;
  const parts = partsOf(host);
  if (!parts) return false;
  return allowedHosts.some((entry) => matchesEntry(parts, entry));
}
