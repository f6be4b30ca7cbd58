// The analyst dashboard: a hash-routed single page over the read-only HTTP API.
import './styles.css';
import { el } from './dom.js';
import { destroyCharts, drawCharts } from './charts.js';
import { marketsPage } from './pages/markets.js';
import { marketPage } from './pages/market.js';
import { curatorPage } from './pages/curator.js';
import { oraclesPage, oraclePage } from './pages/oracles.js';
import { leaderboardPage } from './pages/leaderboard.js';

const ADDRESS = '(0x[0-9a-fA-F]{40})';
const routes = [
  [/^#\/markets$/, 'markets', marketsPage],
  [/^#\/markets\/(\d+)$/, 'markets', marketPage],
  [/^#\/curators\/ADDRESS$/, 'leaderboard', curatorPage],
  [/^#\/leaderboard$/, 'leaderboard', leaderboardPage],
  [/^#\/oracles$/, 'oracles', oraclesPage],
  [/^#\/oracles\/ADDRESS$/, 'oracles', oraclePage],
].map(([pattern, nav, page]) => [new RegExp(pattern.source.replace('ADDRESS', ADDRESS)), nav, page]);

let rendering = 0;

// Renders the page for the current hash. body[data-ready] is set once it is complete (tests wait on
// it); body[data-error] carries the message when the API could not answer.
async function render() {
  const ticket = ++rendering;
  const hash = location.hash || '#/markets';
  const route = routes.find(([pattern]) => pattern.test(hash));
  const main = document.getElementById('page');
  delete document.body.dataset.ready;
  delete document.body.dataset.error;
  destroyCharts();
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.toggleAttribute('aria-current', route?.[1] === link.dataset.nav);
  }
  const content = el('div', { class: 'content' });
  try {
    if (!route) throw new Error(`no page at ${hash}`);
    await route[2](content, ...hash.match(route[0]).slice(1));
  } catch (error) {
    content.replaceChildren(el('div', { class: 'error', role: 'alert' }, el('h1', {}, 'Could not load this page'), el('p', {}, error.message)));
    document.body.dataset.error = error.message;
  }
  if (ticket !== rendering) return;
  main.replaceChildren(content);
  drawCharts(content);
  document.title = `${content.querySelector('h1')?.textContent ?? 'Dashboard'} — Feedback Market`;
  document.body.dataset.ready = hash;
}

window.addEventListener('hashchange', render);
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', render);
render();
