import type { NestApplicationOptions } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** What `app.enableCors()` (or the `cors` application option) was given: options or a delegate. */
export type AppCorsOptions = Exclude<NestApplicationOptions['cors'], boolean | undefined>;

/** Nest's CORS options object. */
type CorsOptions = Exclude<AppCorsOptions, (...args: never[]) => unknown>;

type StaticOrigin = boolean | string | RegExp | (string | RegExp)[];

function allowed(origin: string, rule: string | RegExp): boolean {
  return typeof rule === 'string' ? rule === origin : rule.test(origin);
}

/** The `Access-Control-Allow-Origin` value for one origin rule, or undefined for none. */
function allowOrigin(
  rule: StaticOrigin | undefined,
  origin: string | undefined,
): string | undefined {
  if (rule === undefined || rule === '*') return '*';
  if (rule === false || origin === undefined) return undefined;
  if (rule === true) return origin;
  if (typeof rule === 'string') return rule;
  const rules = Array.isArray(rule) ? rule : [rule];
  return rules.some((entry) => allowed(origin, entry)) ? origin : undefined;
}

function resolveOrigin(
  options: CorsOptions,
  origin: string | undefined,
): Promise<StaticOrigin | undefined> {
  const rule = options.origin;
  if (typeof rule !== 'function') return Promise.resolve(rule);
  return new Promise((resolve, reject) => {
    rule(origin, (error: Error | null, value?: StaticOrigin) =>
      error ? reject(error) : resolve(value ?? false),
    );
  });
}

function resolveOptions(cors: AppCorsOptions, req: IncomingMessage): Promise<CorsOptions> {
  if (typeof cors !== 'function') return Promise.resolve(cors);
  return new Promise((resolve, reject) => {
    cors(req, (error: Error | null, options: CorsOptions) =>
      error ? reject(error) : resolve(options ?? {}),
    );
  });
}

/**
 * The CORS headers of an actual (not preflight) response, as the `cors` middleware behind
 * Express and `@fastify/cors` compute them from the same options: `Access-Control-Allow-Origin`
 * (`*` by default, the request's origin when a rule allows it), `Vary: Origin` when the answer
 * depends on the origin, `Access-Control-Allow-Credentials` and `Access-Control-Expose-Headers`.
 */
export async function corsHeaders(
  cors: AppCorsOptions,
  req: IncomingMessage,
): Promise<Record<string, string>> {
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  const options = await resolveOptions(cors, req);
  const rule = await resolveOrigin(options, origin);
  const headers: Record<string, string> = {};
  const value = allowOrigin(rule, origin);
  if (value !== undefined) headers['access-control-allow-origin'] = value;
  if (rule !== undefined && rule !== '*') headers.vary = 'Origin';
  if (value === undefined) return headers;
  if (options.credentials === true) headers['access-control-allow-credentials'] = 'true';
  const exposed = options.exposedHeaders;
  const list = Array.isArray(exposed) ? exposed.join(',') : exposed;
  if (list) headers['access-control-expose-headers'] = list;
  return headers;
}
