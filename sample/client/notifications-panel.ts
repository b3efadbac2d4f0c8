import type { BroadcastPanel } from './broadcast-panel.js';
import { appendLog, byId, clock, describe, parseJson, postJson, setStatus } from './dom.js';
import type { Session } from './session.js';

interface NotifyResponse {
  readonly userId: string;
  readonly delivered: number;
}

/**
 * Per-user notifications: while signed in, an `EventSource` on `/notifications` (token in
 * `?access_token=`, as `EventSource` cannot send headers) lists the `notification` events for
 * this user; the form sends one to any user with `POST /notifications/:userId`.
 */
export class NotificationsPanel {
  private readonly status = byId<HTMLParagraphElement>('notifications-status');
  private readonly list = byId<HTMLOListElement>('notification-list');
  private readonly result = byId<HTMLParagraphElement>('notify-result');
  private source: EventSource | undefined;
  private from = 'anonymous';

  constructor(
    session: Session,
    private readonly broadcasts: BroadcastPanel,
  ) {
    session.subscribe((user) => {
      this.source?.close();
      this.source = undefined;
      if (!user) return;
      this.from = user.userId;
      this.open(user.userId, user.token);
    });
    byId<HTMLFormElement>('notify-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
  }

  private open(userId: string, token: string): void {
    setStatus(this.status, `Connecting as ${userId}…`);
    const source = new EventSource(`/notifications?access_token=${encodeURIComponent(token)}`);
    this.source = source;
    source.addEventListener('open', () =>
      setStatus(this.status, `Listening for ${userId}'s notifications`, 'ok'),
    );
    source.addEventListener('error', () => {
      if (this.source === source) setStatus(this.status, 'Reconnecting…', 'warn');
    });
    source.addEventListener('notification', (event) => {
      const data = parseJson((event as MessageEvent<string>).data);
      const record = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
      const from = typeof record.from === 'string' ? record.from : 'someone';
      const text = typeof record.text === 'string' ? record.text : describe(data);
      appendLog(this.list, `${clock()} from ${from}`, text);
    });
    source.addEventListener('broadcast', (event) => {
      this.broadcasts.received(
        'SSE /notifications',
        parseJson((event as MessageEvent<string>).data),
      );
    });
  }

  private async send(): Promise<void> {
    const userInput = byId<HTMLInputElement>('notify-user');
    const textInput = byId<HTMLInputElement>('notify-text');
    const userId = userInput.value.trim();
    const text = textInput.value.trim();
    if (!userId || !text) return;
    try {
      const answer = await postJson<NotifyResponse>(
        `/notifications/${encodeURIComponent(userId)}`,
        { text, from: this.from },
      );
      setStatus(
        this.result,
        `Sent to ${answer.userId}: ${answer.delivered} open stream(s) received it`,
        answer.delivered > 0 ? 'ok' : 'warn',
      );
      textInput.value = '';
    } catch (error) {
      setStatus(this.result, `Not sent: ${(error as Error).message}`, 'warn');
    }
  }
}
