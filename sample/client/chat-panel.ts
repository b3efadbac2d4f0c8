import type { BroadcastPanel } from './broadcast-panel.js';
import { appendLog, byId, clock, fetchJson, parseJson, setStatus } from './dom.js';
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

/**
 * Chat rooms over WebSocket (`/ws/chat/:room`): the token travels in the `access_token`
 * subprotocol, so it stays out of URLs and logs. Presence comes from `GET /chat/:room/presence`.
 */
export class ChatPanel {
  private readonly status = byId<HTMLParagraphElement>('chat-status');
  private readonly log = byId<HTMLOListElement>('chat-log');
  private readonly presence = byId<HTMLUListElement>('presence-list');
  private readonly roomInput = byId<HTMLInputElement>('chat-room');
  private readonly joinButton = byId<HTMLButtonElement>('chat-join');
  private readonly leaveButton = byId<HTMLButtonElement>('chat-leave');
  private readonly messageInput = byId<HTMLInputElement>('chat-message');
  private readonly sendButton = byId<HTMLButtonElement>('chat-send');
  private socket: WebSocket | undefined;
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
    setStatus(this.status, `Joining ${room}…`);
    const socket = new WebSocket(webSocketUrl(`/ws/chat/${encodeURIComponent(room)}`), [
      'access_token',
      user.token,
    ]);
    this.socket = socket;
    socket.addEventListener('open', () => {
      setStatus(this.status, `In room ${room} as ${user.userId}`, 'ok');
      this.setJoined(true);
      appendLog(this.log, clock(), `You joined ${room}`, 'mine');
      void this.refreshPresence();
      this.presenceTimer = window.setInterval(
        () => void this.refreshPresence(),
        PRESENCE_REFRESH_MS,
      );
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      const value = parseJson(event.data);
      if (isChatMessage(value)) {
        appendLog(this.log, `${clock()} ${value.userId}`, value.text);
      } else {
        this.broadcasts.received('WebSocket chat', value);
      }
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.setJoined(false);
      const why = event.code === 1008 ? 'too many messages' : event.reason || `code ${event.code}`;
      setStatus(this.status, `Left ${room} (${why})`, event.code === 1000 ? 'info' : 'warn');
    });
  }

  private leave(): void {
    const socket = this.socket;
    this.socket = undefined;
    window.clearInterval(this.presenceTimer);
    this.presenceTimer = undefined;
    this.presence.replaceChildren();
    this.setJoined(false);
    if (socket) {
      socket.close(1000, 'left');
      appendLog(this.log, clock(), `You left ${this.room ?? ''}`, 'mine');
      setStatus(this.status, 'Not in a room');
    }
  }

  private send(): void {
    const text = this.messageInput.value.trim();
    const user = this.user;
    if (!text || !user || this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(text);
    appendLog(this.log, `${clock()} ${user.userId} (you)`, text, 'mine');
    this.messageInput.value = '';
    this.messageInput.focus();
  }

  private setJoined(joined: boolean): void {
    this.leaveButton.disabled = !joined;
    this.messageInput.disabled = !joined;
    this.sendButton.disabled = !joined;
    this.joinButton.disabled = !this.user;
  }

  private async refreshPresence(): Promise<void> {
    const room = this.room;
    if (!room || !this.socket) return;
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
