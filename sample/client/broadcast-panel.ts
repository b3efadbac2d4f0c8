import { appendLog, byId, clock, describe, postJson, setStatus } from './dom.js';

interface BroadcastResponse {
  readonly delivered: number;
  readonly dropped: number;
}

/**
 * The broadcast panel: sends `POST /broadcast` and lists the broadcasts this page receives, with
 * the stream that carried each (a broadcast to everyone reaches every open stream of the page).
 */
export class BroadcastPanel {
  private readonly log = byId<HTMLOListElement>('broadcast-log');
  private readonly result = byId<HTMLParagraphElement>('broadcast-result');

  constructor() {
    const form = byId<HTMLFormElement>('broadcast-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
  }

  /** Records a broadcast received on `via`. */
  received(via: string, message: unknown): void {
    appendLog(this.log, `${clock()} via ${via}`, describe(message));
  }

  private async send(): Promise<void> {
    const input = byId<HTMLInputElement>('broadcast-text');
    const protocol = byId<HTMLSelectElement>('broadcast-protocol').value;
    const text = input.value.trim();
    if (!text) return;
    try {
      const body = protocol ? { message: text, protocol } : { message: text };
      const answer = await postJson<BroadcastResponse>('/broadcast', body);
      setStatus(this.result, `Delivered to ${answer.delivered} connection(s)`, 'ok');
      input.value = '';
    } catch (error) {
      setStatus(this.result, `Broadcast failed: ${(error as Error).message}`, 'warn');
    }
  }
}
