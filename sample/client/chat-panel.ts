import {
  createStreamingClient,
  StreamingRequestError,
  type RecoveredData,
  type StreamingClient,
  type StreamingClientState,
} from 'nestjs-forge-streaming/client';
import type { BroadcastPanel } from './broadcast-panel.js';
import { appendLog, byId, clock, fetchJson, setStatus } from './dom.js';
import type { Session, SignedIn } from './session.js';

interface ChatMessage {
  readonly room: string;
  readonly userId: string;
  readonly text: string;
}

interface RoomPresence {
  readonly room: string;
  readonly users: string[];
  readonly connections: number;
}

const PRESENCE_REFRESH_MS = 2000;
/** How long "… is typing" stays shown, and how often typing is announced. */
const TYPING_SHOWN_MS = 3000;
const TYPING_EVERY_MS = 1000;
/** Reconnect quickly in the demo: first delay under 250 ms, never more than 3 s. */
const RECONNECT = { initialDelayMs: 250, maxDelayMs: 3000 };
/** Offsets of this page's own messages remembered, to skip them when a recovery replays them. */
const OWN_OFFSETS_KEPT = 500;

/** What the connection line says in each client state. */
const STATE_TEXT: Record<StreamingClientState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Connection lost: reconnecting…',
  closed: 'Disconnected',
};

function isChatMessage(value: unknown): value is ChatMessage {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.room === 'string' &&
    typeof record.userId === 'string' &&
    typeof record.text === 'string'
  );
}

/** The URL of a WebSocket path on this page's host. */
function webSocketUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

/** One line for a failed request: its message and, for validation, why. */
function describeRequestError(error: unknown): string {
  if (!(error instanceof StreamingRequestError)) return String(error);
  const { code, status, message, details } = error.error;
  const why = Array.isArray(details) ? `: ${details.join('; ')}` : '';
  return `${code} (${status}) ${message}${why}`;
}

/**
 * Chat rooms over the event gateway `/ws/rooms/:room` through the reconnecting client of
 * `nestjs-forge-streaming/client`: `chat.send` (with its reply or validation error),
 * `chat.typing`, `chat.history`, and `chat.message` / `presence.*` events. The token travels in
 * the `access_token` subprotocol, so it stays out of URLs and logs.
 *
 * When the connection drops the client reconnects by itself and recovers the messages missed
 * meanwhile (shown once, in order). When they cannot be recovered (the server restarted without
 * its history), the panel says "history lost — reloaded" and asks `chat.history` again. The
 * member list comes from `GET /chat/:room/presence`, refreshed on presence events.
 */
export class ChatPanel {
  private readonly status = byId<HTMLParagraphElement>('chat-status');
  private readonly connection = byId<HTMLParagraphElement>('chat-connection');
  private readonly notice = byId<HTMLParagraphElement>('chat-notice');
  private readonly log = byId<HTMLOListElement>('chat-log');
  private readonly presence = byId<HTMLUListElement>('presence-list');
  private readonly roomInput = byId<HTMLInputElement>('chat-room');
  private readonly joinButton = byId<HTMLButtonElement>('chat-join');
  private readonly leaveButton = byId<HTMLButtonElement>('chat-leave');
  private readonly messageInput = byId<HTMLInputElement>('chat-message');
  private readonly sendButton = byId<HTMLButtonElement>('chat-send');
  private readonly typing = byId<HTMLParagraphElement>('chat-typing');
  private client: StreamingClient | undefined;
  private readonly ownOffsets = new Set<string>();
  private typingTimer: number | undefined;
  private lastTypingSent = 0;
  private room: string | undefined;
  private user: SignedIn | undefined;
  private presenceTimer: number | undefined;

  constructor(
    session: Session,
    private readonly broadcasts: BroadcastPanel,
  ) {
    byId<HTMLFormElement>('chat-join-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.join(this.roomInput.value.trim());
    });
    this.leaveButton.addEventListener('click', () => this.leave());
    this.messageInput.addEventListener('input', () => this.typed());
    byId<HTMLFormElement>('chat-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    session.subscribe((user) => {
      this.user = user;
      this.leave();
      this.joinButton.disabled = !user;
      setStatus(this.status, user ? `Signed in as ${user.userId}: join a room` : 'Sign in to chat');
    });
  }

  private join(room: string): void {
    const user = this.user;
    if (!user || !room) return;
    this.leave();
    this.room = room;
    this.ownOffsets.clear();
    setStatus(this.status, `Joining ${room}…`);
    const client = createStreamingClient(webSocketUrl(`/ws/rooms/${encodeURIComponent(room)}`), {
      protocols: ['forge.v1.json', 'access_token', user.token],
      reconnect: RECONNECT,
    });
    this.client = client;
    let opened = false;
    client.on('chat.message', (data: unknown, envelope) => {
      if (envelope.offset !== undefined && this.ownOffsets.has(envelope.offset)) return;
      if (isChatMessage(data)) appendLog(this.log, `${clock()} ${data.userId}`, data.text);
    });
    client.on('chat.typing', (data: unknown) => this.showTyping(data));
    client.on('presence.join', () => void this.refreshPresence());
    client.on('presence.leave', () => void this.refreshPresence());
    client.on('frame', (value: unknown) => this.broadcasts.received('WebSocket chat', value));
    client.on('recovered', (outcome: RecoveredData) => this.recovered(client, outcome));
    client.on('state', (state: StreamingClientState) => {
      if (this.client !== client) return;
      this.showConnection(state);
      if (state === 'open') {
        this.opened(client, room, user, opened);
        opened = true;
      } else {
        this.setJoined(false);
        if (state === 'reconnecting') setStatus(this.status, `Reconnecting to ${room}…`, 'warn');
        if (state === 'closed') {
          this.client = undefined;
          this.stopPresence();
          setStatus(this.status, `Left ${room} (the server refused the connection)`, 'warn');
        }
      }
    });
  }

  /** The connection is open: the first time, or again after a reconnect. */
  private opened(client: StreamingClient, room: string, user: SignedIn, again: boolean): void {
    setStatus(this.status, `In room ${room} as ${user.userId}`, 'ok');
    this.setJoined(true);
    void this.refreshPresence();
    if (!again) {
      appendLog(this.log, clock(), `You joined ${room}`, 'mine');
      void this.loadHistory(client);
      this.presenceTimer = window.setInterval(
        () => void this.refreshPresence(),
        PRESENCE_REFRESH_MS,
      );
      return;
    }
    // Without an offset of the room there is nothing to recover from: reload its history.
    if (!(room in client.offsets)) this.historyLost(client, 'reconnected — history reloaded');
  }

  /** A reconnect's recovery outcome: missed messages arrived already, or they are gone. */
  private recovered(client: StreamingClient, outcome: RecoveredData): void {
    if (this.client !== client || outcome.room !== this.room) return;
    if (outcome.recovered) {
      this.notice.textContent = '';
      delete this.notice.dataset.reason;
      return;
    }
    this.historyLost(client, 'history lost — reloaded', outcome.reason);
  }

  private historyLost(client: StreamingClient, text: string, reason?: string): void {
    this.notice.textContent = reason ? `${text} (${reason})` : text;
    this.notice.dataset.reason = reason ?? 'no-offset';
    appendLog(this.log, clock(), this.notice.textContent, 'notice');
    void this.loadHistory(client);
  }

  /** The room's last messages (`chat.history`). */
  private async loadHistory(client: StreamingClient): Promise<void> {
    let messages: unknown;
    try {
      messages = await client.request('chat.history', { limit: 20 });
    } catch {
      return;
    }
    if (!Array.isArray(messages) || this.client !== client) return;
    for (const message of messages as unknown[]) {
      if (isChatMessage(message)) {
        appendLog(this.log, `earlier ${message.userId}`, message.text, 'history');
      }
    }
  }

  private showConnection(state: StreamingClientState): void {
    this.connection.dataset.state = state;
    setStatus(this.connection, STATE_TEXT[state], state === 'open' ? 'ok' : 'warn');
  }

  /** Shows who is typing for a few seconds (`chat.typing`). */
  private showTyping(data: unknown): void {
    const userId = (data as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string') return;
    this.typing.textContent = `${userId} is typing…`;
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => (this.typing.textContent = ''), TYPING_SHOWN_MS);
  }

  /** Tells the room this user types, at most once per {@link TYPING_EVERY_MS}. */
  private typed(): void {
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_EVERY_MS || this.client?.state !== 'open') return;
    this.lastTypingSent = now;
    this.client.emit('chat.typing', {});
  }

  private leave(): void {
    const client = this.client;
    this.client = undefined;
    this.stopPresence();
    this.setJoined(false);
    this.notice.textContent = '';
    if (client) {
      client.close();
      this.connection.textContent = '';
      delete this.connection.dataset.state;
      appendLog(this.log, clock(), `You left ${this.room ?? ''}`, 'mine');
      setStatus(this.status, 'Not in a room');
    }
  }

  private stopPresence(): void {
    window.clearInterval(this.presenceTimer);
    this.presenceTimer = undefined;
    this.presence.replaceChildren();
  }

  private send(): void {
    const text = this.messageInput.value.trim();
    const user = this.user;
    const client = this.client;
    if (!text || !user || client?.state !== 'open') return;
    this.messageInput.value = '';
    this.messageInput.focus();
    client.request<{ offset?: string }>('chat.send', { text }).then(
      (reply) => {
        if (reply?.offset !== undefined) this.rememberOwn(reply.offset);
        appendLog(this.log, `${clock()} ${user.userId} (you)`, text, 'mine');
      },
      (error: unknown) =>
        appendLog(this.log, `${clock()} not sent`, describeRequestError(error), 'error'),
    );
  }

  private rememberOwn(offset: string): void {
    this.ownOffsets.add(offset);
    if (this.ownOffsets.size > OWN_OFFSETS_KEPT) {
      const oldest = this.ownOffsets.values().next().value;
      if (oldest !== undefined) this.ownOffsets.delete(oldest);
    }
  }

  private setJoined(joined: boolean): void {
    this.leaveButton.disabled = !joined && !this.client;
    this.messageInput.disabled = !joined;
    this.sendButton.disabled = !joined;
    this.joinButton.disabled = !this.user;
  }

  private async refreshPresence(): Promise<void> {
    const room = this.room;
    if (!room || this.client?.state !== 'open') return;
    try {
      const presence = await fetchJson<RoomPresence>(`/chat/${encodeURIComponent(room)}/presence`);
      if (room !== this.room) return;
      this.presence.replaceChildren(
        ...presence.users.map((userId) => {
          const item = document.createElement('li');
          item.textContent = userId === this.user?.userId ? `${userId} (you)` : userId;
          return item;
        }),
      );
    } catch {
      // Presence is best effort; the next refresh tries again.
    }
  }
}
