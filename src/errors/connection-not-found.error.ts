/** Raised by `StreamingManager.getConnection` when no connection has that id. */
export class ConnectionNotFoundError extends Error {
  constructor(readonly connectionId: string) {
    super(`No streaming connection with id "${connectionId}"`);
    this.name = 'ConnectionNotFoundError';
  }
}
