const SVG_NS = 'http://www.w3.org/2000/svg';

/** One line of the chart. */
export interface ChartSeries<T> {
  /** Stable key (the polyline gets `data-series="<key>"`). */
  readonly key: string;
  readonly label: string;
  /** CSS colour (a custom property such as `var(--ws)` works). */
  readonly color: string;
  readonly value: (point: T) => number;
}

/** A horizontal band of the chart with its own vertical scale. */
export interface ChartPane<T> {
  readonly title: string;
  readonly series: readonly ChartSeries<T>[];
}

const WIDTH = 600;
const HEIGHT = 200;
const GAP = 14;
const TOP_PAD = 14;

function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** A "nice" upper bound for a scale (1, 2, 5 × 10ⁿ). */
function niceMax(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

interface PaneView<T> {
  readonly pane: ChartPane<T>;
  readonly top: number;
  readonly height: number;
  readonly maxLabel: SVGTextElement;
  readonly lines: SVGPolylineElement[];
}

/**
 * A small hand-drawn SVG line chart with stacked panes, updated in place: the polylines are built
 * once and only their `points` change, so assistive technology and layout stay stable.
 */
export class LineChart<T> {
  private readonly views: PaneView<T>[] = [];

  constructor(
    private readonly element: SVGSVGElement,
    panes: readonly ChartPane<T>[],
    private readonly capacity: number,
    legend?: HTMLElement,
  ) {
    const paneHeight = (HEIGHT - GAP * (panes.length - 1)) / panes.length;
    panes.forEach((pane, index) => {
      const top = index * (paneHeight + GAP);
      const plotTop = top + TOP_PAD;
      const plotHeight = paneHeight - TOP_PAD;
      element.append(
        svg('line', { class: 'grid', x1: 0, x2: WIDTH, y1: plotTop, y2: plotTop }),
        svg('line', {
          class: 'grid',
          x1: 0,
          x2: WIDTH,
          y1: plotTop + plotHeight,
          y2: plotTop + plotHeight,
        }),
      );
      const title = svg('text', { class: 'axis-label', x: 4, y: top + 11 });
      title.textContent = pane.title;
      const maxLabel = svg('text', { class: 'axis-label', x: WIDTH - 4, y: top + 11 });
      maxLabel.setAttribute('text-anchor', 'end');
      element.append(title, maxLabel);
      const lines = pane.series.map((series) => {
        const line = svg('polyline', { points: '', 'data-series': series.key });
        line.style.stroke = series.color;
        element.append(line);
        return line;
      });
      this.views.push({ pane, top: plotTop, height: plotHeight, maxLabel, lines });
    });
    if (legend) {
      legend.replaceChildren(
        ...panes.flatMap((pane) =>
          pane.series.map((series) => {
            const item = document.createElement('span');
            item.style.setProperty('--swatch', series.color);
            item.textContent = series.label;
            return item;
          }),
        ),
      );
    }
  }

  /** Redraws every line from `points` (oldest first; the newest is at the right edge). */
  render(points: readonly T[]): void {
    const shown = points.slice(-this.capacity);
    const step = WIDTH / Math.max(1, this.capacity - 1);
    const offset = WIDTH - (shown.length - 1) * step;
    for (const view of this.views) {
      let max = 0;
      for (const series of view.pane.series) {
        for (const point of shown) max = Math.max(max, series.value(point));
      }
      const scale = niceMax(max);
      view.maxLabel.textContent = `max ${scale}`;
      view.pane.series.forEach((series, index) => {
        const coordinates = shown.map((point, i) => {
          const x = offset + i * step;
          const y = view.top + view.height - (series.value(point) / scale) * view.height;
          return `${x.toFixed(1)},${y.toFixed(1)}`;
        });
        view.lines[index].setAttribute('points', coordinates.join(' '));
      });
    }
    this.element.dataset.samples = String(shown.length);
  }
}
