import { el, facts } from '../dom.js';
import { getAll, getJson } from '../api.js';
import { table } from '../table.js';
import { chartCard, palette, stackedCounts } from '../charts.js';
import { tokens, short } from '../format.js';

export async function oraclesPage(main) {
  const oracles = await getAll('/api/oracles');
  const colours = palette();
  main.append(
    el('h1', {}, 'Oracles'),
    chartCard('oracles', 'Attestations and disagreements per oracle', {
      type: 'bar',
      data: {
        labels: oracles.map(o => short(o.oracle)),
        datasets: [
          { label: 'agreed with the accepted digest', data: oracles.map(o => o.attestations - o.disagreements), backgroundColor: colours.good },
          { label: 'disagreed', data: oracles.map(o => o.disagreements), backgroundColor: colours.bad },
        ],
      },
      options: stackedCounts(),
    }, 'An attestation to a round with no accepted report counts as agreeing here until one is accepted.'),
    table({
      id: 'oracles', title: 'All oracles', key: o => o.oracle, rows: oracles,
      columns: [
        { key: 'oracle', label: 'oracle', type: 'address', href: o => `#/oracles/${o.oracle}` },
        { key: 'status', label: 'status', type: 'text' },
        { key: 'bond', label: 'bond', type: 'token' },
        { key: 'attestations', label: 'attestations', type: 'int' },
        { key: 'disagreements', label: 'disagreements', type: 'int' },
        { key: 'slashes', label: 'slashes', type: 'int' },
        { key: 'slashed', label: 'slashed', type: 'token' },
      ],
    }),
  );
}

export async function oraclePage(main, address) {
  const { oracle, attestations, slashes } = await getJson(`/api/oracles/${address}`);
  const colours = palette();
  const markets = [...new Set(attestations.map(a => a.market_id))];
  const count = (market, agreed) => attestations.filter(a => a.market_id === market && a.agreed === agreed).length;
  main.append(
    el('h1', {}, 'Oracle ', el('code', {}, oracle.oracle)),
    facts([
      ['status', oracle.status, 'status'],
      ['bond', tokens(oracle.bond), 'bond'],
      ['attestations', String(oracle.attestations), 'attestations'],
      ['disagreements', String(oracle.disagreements), 'disagreements'],
      ['slashes', String(oracle.slashes), 'slashes'],
      ['slashed', tokens(oracle.slashed), 'slashed'],
    ]),
    chartCard('oracle-attestations', 'Attestations per market', {
      type: 'bar',
      data: {
        labels: markets.map(m => `market ${m}`),
        datasets: [
          { label: 'accepted digest', data: markets.map(m => count(m, true)), backgroundColor: colours.good },
          { label: 'other digest', data: markets.map(m => count(m, false)), backgroundColor: colours.bad },
          { label: 'no report accepted', data: markets.map(m => count(m, null)), backgroundColor: colours.muted },
        ],
      },
      options: stackedCounts(),
    }),
    table({
      id: 'oracle-attestations', title: 'Attestations', key: a => `${a.market_id}/${a.round}/${a.digest}`, rows: attestations,
      columns: [
        { key: 'market_id', label: 'market', type: 'int', href: a => `#/markets/${a.market_id}` },
        { key: 'round', label: 'round', type: 'int' },
        { key: 'digest', label: 'digest', type: 'hash' },
        { key: 'agreed', label: 'matches accepted', type: 'bool' },
        { key: 'block_time', label: 'time', type: 'time' },
      ],
    }),
    table({
      id: 'slashes', title: 'Slashes', key: s => `${s.market_id}/${s.round}/${s.reason}`, rows: slashes,
      columns: [
        { key: 'market_id', label: 'market', type: 'int', href: s => `#/markets/${s.market_id}` },
        { key: 'round', label: 'round', type: 'int' },
        { key: 'amount', label: 'amount', type: 'token' },
        { key: 'reason', label: 'reason', type: 'text' },
        { key: 'block_time', label: 'time', type: 'time' },
      ],
    }),
  );
}
