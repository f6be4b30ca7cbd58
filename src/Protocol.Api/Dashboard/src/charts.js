// Chart.js (bundled at build time), themed from the page's CSS variables so that charts follow the
// system's light or dark scheme. Animations are off: a chart is complete as soon as it is drawn.
import {
  Chart, BarController, BarElement, LineController, LineElement, PointElement, ScatterController,
  CategoryScale, LinearScale, Tooltip, Legend, Filler,
} from 'chart.js';
import { el, card } from './dom.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, ScatterController,
  CategoryScale, LinearScale, Tooltip, Legend, Filler);

const live = [];
const pending = [];

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The series colours of the current theme (--c1 … --c6), then the positive and negative colours. */
export function palette() {
  return { series: [1, 2, 3, 4, 5, 6].map(i => css(`--c${i}`)), good: css('--good'), bad: css('--bad'), muted: css('--muted') };
}

/** Options of a bar chart of counts stacked per category. */
export function stackedCounts() {
  return { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } };
}

/** A card with a canvas and its chart (height in pixels, 300 unless given); data-chart names it for tests. */
export function chartCard(id, title, config, caption, height = 300) {
  const canvas = el('canvas', { role: 'img', 'aria-label': title });
  const box = el('div', { class: 'chart' }, canvas);
  box.style.height = `${height}px`; // through CSSOM: the content security policy forbids style attributes
  const section = card(title, box, caption ? el('p', { class: 'muted caption' }, caption) : null);
  section.dataset.chart = id;
  pending.push({ canvas, config });
  return section;
}

function draw(canvas, config) {
  const text = css('--fg'), grid = css('--grid');
  const scales = Object.fromEntries(Object.entries(config.options?.scales ?? {}).map(([name, scale]) => [name, {
    ...scale,
    ticks: { color: text, ...scale.ticks },
    grid: { color: grid, ...scale.grid },
    title: scale.title ? { color: text, display: true, ...scale.title } : undefined,
  }]));
  live.push(new Chart(canvas, {
    ...config,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      ...config.options,
      scales,
      plugins: { legend: { labels: { color: text } }, ...config.options?.plugins },
    },
  }));
}

/**
 * Draws the pending charts that are inside `root`, the page just attached to the document (Chart.js
 * sizes them from the layout); charts of a page that was replaced before it finished loading are dropped.
 */
export function drawCharts(root) {
  for (const { canvas, config } of pending.splice(0)) {
    if (root.contains(canvas)) draw(canvas, config);
  }
}

/** Destroys the charts of the page being left. */
export function destroyCharts() {
  pending.length = 0;
  while (live.length) live.pop().destroy();
}
