import { el, facts } from '../dom.js';
import { getJson } from '../api.js';
import { table, submissionColumns } from '../table.js';
import { chartCard, palette } from '../charts.js';
import { tokens, tokenNumber, profit } from '../format.js';

export async function curatorPage(main, address) {
  const { curator, history } = await getJson(`/api/curators/${address}`);
  const colours = palette();
  const rows = history.map(s => ({ ...s, profit: profit(s) }));
  // Cumulative profit over settled markets, in the order the curator committed.
  let running = 0n;
  const settled = rows.filter(s => s.profit !== null).map(s => ({ market: s.market_id, total: (running += BigInt(s.profit)) }));
  main.append(
    el('h1', {}, 'Curator ', el('code', {}, curator.curator)),
    facts([
      ['markets', String(curator.markets), 'markets'],
      ['staked', tokens(curator.staked), 'staked'],
      ['paid', tokens(curator.paid), 'paid'],
      ['profit', tokens(curator.profit), 'profit'],
      ['slashed', tokens(curator.slashed), 'slashed'],
      ['mean score (bps)', curator.mean_score_bps ?? '—', 'mean_score_bps'],
    ]),
    chartCard('profit', 'Cumulative profit across settled markets (tokens)', {
      type: 'line',
      data: {
        labels: settled.map(s => `market ${s.market}`),
        datasets: [{
          label: 'cumulative profit', data: settled.map(s => tokenNumber(s.total.toString())),
          borderColor: colours.series[0], backgroundColor: colours.series[0], pointRadius: 5, fill: false,
        }],
      },
      options: { scales: { x: {}, y: {} }, plugins: { legend: { display: false } } },
    }),
    table({
      id: 'history', title: 'Markets', key: s => s.market_id, rows,
      columns: [
        { key: 'market_id', label: 'market', type: 'int', href: s => `#/markets/${s.market_id}` },
        ...submissionColumns,
      ],
    }),
  );
}
