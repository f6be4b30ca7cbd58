import { el, facts } from '../dom.js';
import { getAll, getJson } from '../api.js';
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
  const [markets, { items: activity }] = await Promise.all([getAll('/api/markets'), getJson('/api/activity')]);
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
    activityChart(activity, colours),
    table({ id: 'markets', title: 'All markets', columns: marketColumns, rows: markets, key: m => m.market_id }),
  );
}

// Money in (stakes) and out to curators (claims, refunds) over time, cumulative, in hours since the first stake.
function activityChart(activity, colours) {
  const start = activity.length ? Date.parse(activity[0].at) : 0;
  let staked = 0n, paid = 0n;
  const points = activity.map(a => ({
    x: (Date.parse(a.at) - start) / 3_600_000,
    staked: (staked += BigInt(a.staked)),
    paid: (paid += BigInt(a.paid_out)),
  }));
  const line = (label, key, colour) => ({
    label, data: points.map(p => ({ x: p.x, y: tokenNumber(p[key].toString()) })),
    borderColor: colour, backgroundColor: colour, pointRadius: 2, stepped: true,
  });
  return chartCard('activity', 'Staked and paid out to curators over time (cumulative, tokens)', {
    type: 'line',
    data: { datasets: [line('staked', 'staked', colours.series[1]), line('paid out (claims and refunds)', 'paid', colours.series[2])] },
    options: { scales: { x: { type: 'linear', title: { text: 'hours since the first stake' } }, y: { beginAtZero: true } } },
  }, el('span', {}, 'By the indexed head: staked ', el('strong', { dataset: { fact: 'activity_staked' } }, tokens(staked.toString())),
    ', paid out ', el('strong', { dataset: { fact: 'activity_paid' } }, tokens(paid.toString())), '.'));
}
