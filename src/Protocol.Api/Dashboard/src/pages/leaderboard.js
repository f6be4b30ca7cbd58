import { el } from '../dom.js';
import { getAll } from '../api.js';
import { table } from '../table.js';
import { chartCard, palette } from '../charts.js';
import { short, tokenNumber } from '../format.js';

export async function leaderboardPage(main) {
  const curators = await getAll('/api/leaderboard');
  const colours = palette();
  const top = curators.filter(c => c.profit !== null).slice(0, 20).concat(curators.filter(c => c.profit !== null).slice(20).slice(-10));
  main.append(
    el('h1', {}, 'Curator leaderboard'),
    chartCard('leaderboard', 'Profit by curator (tokens): the top 20 and the bottom 10', {
      type: 'bar',
      data: {
        labels: top.map(c => short(c.curator)),
        datasets: [{
          label: 'profit',
          data: top.map(c => tokenNumber(c.profit)),
          backgroundColor: top.map(c => (BigInt(c.profit) >= 0n ? colours.good : colours.bad)),
        }],
      },
      options: { indexAxis: 'y', scales: { x: {}, y: {} }, plugins: { legend: { display: false } } },
    }, 'Profit counts settled markets only: what a curator was paid back minus what it staked.', Math.max(200, 60 + top.length * 22)),
    table({
      id: 'leaderboard',
      title: 'All curators',
      key: c => c.curator,
      rows: curators,
      columns: [
        { key: 'curator', label: 'curator', type: 'address', href: c => `#/curators/${c.curator}` },
        { key: 'markets', label: 'markets', type: 'int' },
        { key: 'staked', label: 'staked', type: 'token' },
        { key: 'paid', label: 'paid', type: 'token' },
        { key: 'profit', label: 'profit', type: 'token' },
        { key: 'slashed', label: 'slashed', type: 'token' },
        { key: 'mean_score_bps', label: 'mean score (bps)', type: 'text' },
      ],
    }),
  );
}
