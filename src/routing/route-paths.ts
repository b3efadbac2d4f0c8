/** Joins a controller prefix and a route path into one normalized path (`/a/b`). */
export function joinPaths(...parts: (string | undefined)[]): string {
  const joined = parts
    .filter((part): part is string => !!part)
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/');
  return `/${joined}`;
}

/** Removes a trailing slash (except for `/`). */
export function normalizeRequestPath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
