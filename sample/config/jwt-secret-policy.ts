/** The environment variables the check reads. */
type SampleEnv = Readonly<Record<string, string | undefined>>;

/** The HS256 secret the sample signs demo tokens with when `JWT_SECRET` is unset. */
export const DEFAULT_JWT_SECRET = 'dev-secret';

/** Thrown when the sample would run in production with the well-known default secret. */
export class DefaultSecretInProductionError extends Error {
  constructor() {
    super(
      `Refusing to start: NODE_ENV=production and JWT_SECRET is unset or "${DEFAULT_JWT_SECRET}"; ` +
        'anyone could sign tokens. Set JWT_SECRET to a long random value.',
    );
    this.name = 'DefaultSecretInProductionError';
  }
}

/** Whether `env` leaves the sample on the default secret (unset, empty or the default itself). */
export function usesDefaultSecret(env: SampleEnv): boolean {
  const secret = env.JWT_SECRET;
  return !secret || secret === DEFAULT_JWT_SECRET;
}

/**
 * Checks the secret against the environment: throws {@link DefaultSecretInProductionError} for
 * the default secret under `NODE_ENV=production`; otherwise returns the one line to log when the
 * default secret is in use, or `undefined` when a secret of one's own is set.
 */
export function jwtSecretNotice(env: SampleEnv): string | undefined {
  if (!usesDefaultSecret(env)) return undefined;
  if (env.NODE_ENV?.trim().toLowerCase() === 'production') {
    throw new DefaultSecretInProductionError();
  }
  return (
    `JWT_SECRET is not set: demo tokens are signed with the default secret "${DEFAULT_JWT_SECRET}" ` +
    '(fine on your machine; refused with NODE_ENV=production).'
  );
}
