import type { BroadcastPanel } from './broadcast-panel.js';
import { byId, parseJson, setStatus } from './dom.js';
import { LineChart } from './line-chart.js';

/** One dashboard sample, as `/dashboard` sends it. */
interface DashboardSample {
  readonly timestamp: number;
  readonly activeConnections: number;
  readonly byProtocol: { websocket: number; sse: number; webtransport: number };
  readonly messagesInPerSec: number;
  readonly messagesOutPerSec: number;
}

interface DashboardInit {
  readonly intervalMs: number;
  readonly samples: DashboardSample[];
}

const WINDOW = 60;

/**
 * The live dashboard: an `EventSource` on `/dashboard` (`dashboard-init`, then one
 * `dashboard-update` per sample) drives the tiles and the chart.
 */
export class DashboardPanel {
  private readonly status = byId<HTMLParagraphElement>('dashboard-status');
  private readonly samples: DashboardSample[] = [];
  private readonly chart = new LineChart<DashboardSample>(
    byId<HTMLElement>('dashboard-chart') as unknown as SVGSVGElement,
    [
      {
        title: 'Open connections',
        series: [
          {
            key: 'websocket',
            label: 'WebSocket',
            color: 'var(--ws)',
            value: (s) => s.byProtocol.websocket,
          },
          { key: 'sse', label: 'SSE', color: 'var(--sse)', value: (s) => s.byProtocol.sse },
          {
            key: 'webtransport',
            label: 'WebTransport',
            color: 'var(--wt)',
            value: (s) => s.byProtocol.webtransport,
          },
        ],
      },
      {
        title: 'Messages per second',
        series: [
          {
            key: 'out',
            label: 'Messages out/s',
            color: 'var(--rate)',
            value: (s) => s.messagesOutPerSec,
          },
          {
            key: 'in',
            label: 'Messages in/s',
            color: 'var(--muted)',
            value: (s) => s.messagesInPerSec,
          },
        ],
      },
    ],
    WINDOW,
    byId<HTMLElement>('chart-legend'),
  );

  constructor(private readonly broadcasts: BroadcastPanel) {
    const source = new EventSource('/dashboard');
    source.addEventListener('open', () => setStatus(this.status, 'Live', 'ok'));
    source.addEventListener('error', () => setStatus(this.status, 'Reconnecting…', 'warn'));
    source.addEventListener('dashboard-init', (event) => {
      const init = parseJson((event as MessageEvent<string>).data) as DashboardInit;
      this.samples.splice(0, this.samples.length, ...init.samples);
      this.update();
    });
    source.addEventListener('dashboard-update', (event) => {
      this.samples.push(parseJson((event as MessageEvent<string>).data) as DashboardSample);
      if (this.samples.length > WINDOW) this.samples.shift();
      this.update();
    });
    source.addEventListener('broadcast', (event) => {
      this.broadcasts.received('SSE /dashboard', parseJson((event as MessageEvent<string>).data));
    });
  }

  private update(): void {
    const last = this.samples.at(-1);
    if (last) {
      byId('stat-total').textContent = String(last.activeConnections);
      byId('stat-websocket').textContent = String(last.byProtocol.websocket);
      byId('stat-sse').textContent = String(last.byProtocol.sse);
      byId('stat-webtransport').textContent = String(last.byProtocol.webtransport);
      byId('stat-out').textContent = String(last.messagesOutPerSec);
      byId('stat-in').textContent = String(last.messagesInPerSec);
    }
    this.chart.render(this.samples);
  }
}
