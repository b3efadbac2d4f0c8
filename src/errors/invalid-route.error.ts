/** Raised at start-up for a malformed or duplicate streaming route. */
export class InvalidRouteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRouteError';
  }
}
