import type { BroadcastPanel } from './broadcast-panel.js';
import { appendLog, byId, clock, fetchJson, setStatus } from './dom.js';
import { GatewaySocket, describeGatewayError } from './gateway-socket.js';
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
 * Chat rooms over the event gateway `/ws/rooms/:room`: `chat.send` (with its reply or validation
 * error), `chat.typing`, `chat.history`, and `chat.message` / `presence.*` events. The token
 * travels in the `access_token` subprotocol, so it stays out of URLs and logs. The member list
 * comes from `GET /chat/:room/presence`, refreshed on presence events.
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
  private readonly typing = byId<HTMLParagraphElement>('chat-typing');
  private socket: WebSocket | undefined;
  private gateway: GatewaySocket | undefined;
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
    setStatus(this.status, `Joining ${room}…`);
    const socket = new WebSocket(webSocketUrl(`/ws/rooms/${encodeURIComponent(room)}`), [
      'forge.v1.json',
      'access_token',
      user.token,
    ]);
    const gateway = new GatewaySocket(socket);
    this.socket = socket;
    this.gateway = gateway;
    gateway.on('chat.message', (data) => {
      if (isChatMessage(data)) appendLog(this.log, `${clock()} ${data.userId}`, data.text);
    });
    gateway.on('chat.typing', (data) => this.showTyping(data));
    gateway.on('presence.join', () => void this.refreshPresence());
    gateway.on('presence.leave', () => void this.refreshPresence());
    gateway.onOther = (value) => this.broadcasts.received('WebSocket chat', value);
    socket.addEventListener('open', () => {
      setStatus(this.status, `In room ${room} as ${user.userId}`, 'ok');
      this.setJoined(true);
      appendLog(this.log, clock(), `You joined ${room}`, 'mine');
      void this.loadHistory(gateway);
      void this.refreshPresence();
      this.presenceTimer = window.setInterval(
        () => void this.refreshPresence(),
        PRESENCE_REFRESH_MS,
      );
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.gateway = undefined;
      this.setJoined(false);
      const why = event.code === 1008 ? 'too many messages' : event.reason || `code ${event.code}`;
      setStatus(this.status, `Left ${room} (${why})`, event.code === 1000 ? 'info' : 'warn');
    });
  }

  /** The room's last messages (`chat.history`), shown once joined. */
  private async loadHistory(gateway: GatewaySocket): Promise<void> {
    const reply = await gateway.request('chat.history', { limit: 20 });
    if (!reply.ok || !Array.isArray(reply.data)) return;
    for (const message of reply.data as unknown[]) {
      if (isChatMessage(message)) {
        appendLog(this.log, `earlier ${message.userId}`, message.text, 'history');
      }
    }
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
    if (now - this.lastTypingSent < TYPING_EVERY_MS) return;
    this.lastTypingSent = now;
    this.gateway?.emit('chat.typing', {});
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
    const gateway = this.gateway;
    if (!text || !user || !gateway || this.socket?.readyState !== WebSocket.OPEN) return;
    this.messageInput.value = '';
    this.messageInput.focus();
    void gateway.request('chat.send', { text }).then((reply) => {
      if (reply.ok) appendLog(this.log, `${clock()} ${user.userId} (you)`, text, 'mine');
      else appendLog(this.log, `${clock()} not sent`, describeGatewayError(reply.error), 'error');
    });
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
