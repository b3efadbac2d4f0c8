import { postJson } from './dom.js';

/** Who is signed in on this page. */
export interface SignedIn {
  readonly userId: string;
  readonly token: string;
}

/**
 * The page's demo login: `POST /auth/token` gives a JWT for a user id; panels that need a user
 * (chat, notifications) listen for changes.
 */
export class Session {
  private current: SignedIn | undefined;
  private readonly listeners = new Set<(user: SignedIn | undefined) => void>();

  /** The signed-in user, if any. */
  get user(): SignedIn | undefined {
    return this.current;
  }

  /** Calls `listener` now and on every change. */
  subscribe(listener: (user: SignedIn | undefined) => void): void {
    this.listeners.add(listener);
    listener(this.current);
  }

  /** Gets a token for `userId` and makes it the page's user. */
  async signIn(userId: string): Promise<SignedIn> {
    const { token } = await postJson<{ token: string }>('/auth/token', { userId });
    this.current = { userId, token };
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }
}
