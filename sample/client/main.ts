import { BroadcastPanel } from './broadcast-panel.js';
import { ChatPanel } from './chat-panel.js';
import { DashboardPanel } from './dashboard-panel.js';
import { byId, fetchJson, setStatus } from './dom.js';
import { NotificationsPanel } from './notifications-panel.js';
import { Session } from './session.js';
import { WebTransportPanel, type WebTransportPageConfig } from './web-transport-panel.js';

interface PageConfig {
  readonly tickMs: number;
  readonly webTransport: WebTransportPageConfig;
}

function wireSignIn(session: Session): void {
  const form = byId<HTMLFormElement>('login-form');
  const input = byId<HTMLInputElement>('login-user');
  const status = byId<HTMLParagraphElement>('login-status');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const userId = input.value.trim();
    if (!userId) return;
    session.signIn(userId).then(
      (user) => setStatus(status, `Signed in as ${user.userId}`, 'ok'),
      (error: unknown) => setStatus(status, `Sign-in failed: ${(error as Error).message}`, 'warn'),
    );
  });
}

async function start(): Promise<void> {
  const session = new Session();
  const broadcasts = new BroadcastPanel();
  wireSignIn(session);
  new ChatPanel(session, broadcasts);
  new DashboardPanel(broadcasts);
  new NotificationsPanel(session, broadcasts);
  const config = await fetchJson<PageConfig>('/page-config');
  new WebTransportPanel(config.webTransport);
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  console.error(error);
  document.body.dataset.ready = 'error';
});
