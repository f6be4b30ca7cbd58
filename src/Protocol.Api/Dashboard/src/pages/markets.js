import { el, facts } from '../dom.js';
import { getAll } from '../api.js';
import { table } from '../table.js';
import { chartCard, palette } from '../charts.js';
import { tokens, tokenNumber } from '../format.js';

export const marketColumns = [
  { key: 'market_id', label: 'market', type: 'int', href: m => `#/markets/${m.market_id}` },
  { key: 'phase', label: 'phase', type: 'text' },
  { key: 'status', label: 'stored status', type: 'text' },
  { key: 'round', label: 'round', type: 'int' },
  { key: 'reward_pool', label: 'pool', type: 'token' },
  { key: 'curators', label: 'curators', type: 'int' },
  { key: 'revealed', label: 'revealed', type: 'int' },
  { key: 'total_staked', label: 'staked', type: 'token' },
  { key: 'total_claimed', label: 'claimed', type: 'token' },
  { key: 'attestations', label: 'attestations', type: 'int' },
  { key: 'disputes', label: 'disputes', type: 'int' },
  { key: 'created_at', label: 'created', type: 'time' },
];

export async function marketsPage(main) {
  const markets = await getAll('/api/markets');
  const sum = key => markets.reduce((total, m) => total + BigInt(m[key]), 0n).toString();
  const colours = palette();
  main.append(
    el('h1', {}, 'Markets'),
    facts([
      ['markets', String(markets.length), 'markets'],
      ['reward pools', tokens(sum('reward_pool')), 'reward_pool'],
      ['staked', tokens(sum('total_staked')), 'total_staked'],
      ['claimed', tokens(sum('total_claimed')), 'total_claimed'],
    ]),
    chartCard('markets', 'Pool, stakes and claims per market (tokens)', {
      type: 'bar',
      data: {
        labels: markets.map(m => `#${m.market_id} ${m.phase}`),
        datasets: [
          { label: 'reward pool', data: markets.map(m => tokenNumber(m.reward_pool)), backgroundColor: colours.series[0] },
          { label: 'staked', data: markets.map(m => tokenNumber(m.total_staked)), backgroundColor: colours.series[1] },
          { label: 'claimed', data: markets.map(m => tokenNumber(m.total_claimed)), backgroundColor: colours.series[2] },
        ],
      },
      options: { scales: { x: {}, y: { beginAtZero: true } } },
    }),
    table({ id: 'markets', title: 'All markets', columns: marketColumns, rows: markets, key: m => m.market_id }),
  );
}
