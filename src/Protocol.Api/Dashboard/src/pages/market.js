import { el, facts, card } from '../dom.js';
import { getJson } from '../api.js';
import { table, submissionColumns } from '../table.js';
import { chartCard, palette, stackedCounts } from '../charts.js';
import { tokens, tokenNumber, short, profit } from '../format.js';

const HOUR = 3600 * 1000;
const BURN_ADDRESS = '0x000000000000000000000000000000000000dead';
const STAKES_TITLE = 'Stake and payout per curator, by payout (tokens)';
const SCORES_TITLE = 'Score distribution (bps)';
const ATTESTATIONS_TITLE = 'Attestations per oracle and digest';

export async function marketPage(main, id) {
  const { market, timeline, submissions, reports, attestations, disputes } = await getJson(`/api/markets/${id}`);
  const colours = palette();
  const rows = submissions.map(s => ({ ...s, profit: profit(s) }));
  // A cancelled or forfeited market: its empty charts are a sentence instead, and the page says where the pool went.
  const failed = market.pool_recipient ? failedVerb(market.phase) : null;
  const unless = (empty, id, title, sentence, chart) => (failed && empty ? noChart(id, title, sentence) : chart());
  main.append(
    el('h1', {}, `Market ${market.market_id} `, el('span', { class: `badge ${market.phase.split(' ')[0]}`, dataset: { fact: 'phase' } }, market.phase)),
    facts([
      ['reward pool', tokens(market.reward_pool), 'reward_pool'],
      ['staked', tokens(market.total_staked), 'total_staked'],
      ['claimed', tokens(market.total_claimed), 'total_claimed'],
      ['curators', String(market.curators), 'curators'],
      ['revealed', String(market.revealed), 'revealed'],
      ['round', String(market.round), 'round'],
      ['sponsor', el('span', { class: 'address', title: market.sponsor }, short(market.sponsor)), 'sponsor'],
      ['slash / oracle fee', `${market.slash_bps / 100} % / ${market.oracle_fee_bps / 100} %`, 'terms'],
      ...(market.pool_recipient ? [['pool', poolFate(market), 'pool_fate']] : []),
    ]),
    failed ? el('p', { class: 'card pool-sentence', dataset: { poolSentence: '' } }, poolSentence(market, failed)) : null,
    timelineChart(timeline, colours),
    el('div', { class: 'grid2' },
      unless(rows.length === 0, 'stakes', STAKES_TITLE, `No curator staked: the market ${failed}.`, () => stakesChart(rows, colours)),
      unless(!rows.some(s => s.score_bps !== null), 'scores', SCORES_TITLE, `No curator was scored: the market ${failed}.`, () => scoreHistogram(rows, colours))),
    unless(attestations.length === 0, 'attestations', ATTESTATIONS_TITLE, `No oracle attested: the market ${failed}.`, () => attestationChart(attestations, reports, colours)),
    table({
      id: 'submissions', title: 'Curators: stake, score and payout', key: s => s.curator, rows,
      note: 'profit = paid − stake, once settled',
      columns: [
        { key: 'curator', label: 'curator', type: 'address', href: s => `#/curators/${s.curator}` },
        ...submissionColumns,
      ],
    }),
    table({
      id: 'timeline', title: 'Timeline', key: t => `${t.event}/${t.round ?? ''}/${t.at}`, rows: timeline,
      columns: [
        { key: 'at', label: 'time', type: 'time' },
        { key: 'event', label: 'event', type: 'text' },
        { key: 'kind', label: 'kind', type: 'text' },
        { key: 'round', label: 'round', type: 'int' },
        { key: 'detail', label: 'detail', type: 'text' },
      ],
    }),
    table({
      id: 'attestations', title: 'Attestations', key: a => `${a.round}/${a.signer}/${a.digest}`, rows: attestations,
      columns: [
        { key: 'signer', label: 'oracle', type: 'address', href: a => `#/oracles/${a.signer}` },
        { key: 'round', label: 'round', type: 'int' },
        { key: 'digest', label: 'digest', type: 'hash' },
        { key: 'signers_so_far', label: 'signers so far', type: 'int' },
        { key: 'block_time', label: 'time', type: 'time' },
      ],
    }),
    table({
      id: 'reports', title: 'Accepted reports', key: r => `${r.round}/${r.digest}`, rows: reports,
      columns: [
        { key: 'round', label: 'round', type: 'int' },
        { key: 'digest', label: 'digest', type: 'hash' },
        { key: 'total_payout', label: 'total payout', type: 'token' },
        { key: 'accepted_at', label: 'accepted', type: 'time' },
        { key: 'overturned', label: 'overturned', type: 'bool' },
        { key: 'finalized', label: 'finalized', type: 'bool' },
      ],
    }),
    table({
      id: 'disputes', title: 'Disputes', key: d => `${d.round}/${d.digest}`, rows: disputes,
      columns: [
        { key: 'round', label: 'round', type: 'int' },
        { key: 'challenger', label: 'challenger', type: 'address' },
        { key: 'bond', label: 'bond', type: 'token' },
        { key: 'disputed_at', label: 'disputed', type: 'time' },
        { key: 'overturned', label: 'overturned', type: 'bool' },
        { key: 'resolved_at', label: 'resolved', type: 'time' },
      ],
    }),
  );
}

// A cancelled or forfeited market pays no curator: its pool went back to the sponsor (nobody revealed) or was burned.
function poolFate(market) {
  const burned = market.pool_recipient.toLowerCase() === BURN_ADDRESS;
  return `${tokens(market.failed_pool)} ${burned ? 'burned' : 'back to the sponsor'}`;
}

// "was cancelled" or "forfeited", as the sentences of a failed market say it.
function failedVerb(phase) {
  return phase.split(' ')[0] === 'cancelled' ? 'was cancelled' : 'forfeited';
}

// Where a failed market's pool went, in words: the recipient is the burn address or the sponsor.
function poolSentence(market, failed) {
  const burned = market.pool_recipient.toLowerCase() === BURN_ADDRESS;
  return `The market ${failed}, so no curator was paid from its pool: its ${tokens(market.failed_pool)} tokens ${burned
    ? `were burned (sent to ${BURN_ADDRESS})`
    : `went back to the sponsor (${market.pool_recipient})`}.`;
}

// Instead of a chart with nothing on it: the chart's title and why it is empty (data-no-chart names it for tests).
function noChart(id, title, sentence) {
  const section = card(title, el('p', { class: 'muted empty' }, sentence));
  section.dataset.noChart = id;
  return section;
}

// Phases and events on one time axis, in hours since the market was created.
function timelineChart(timeline, colours) {
  const start = Date.parse(timeline.find(t => t.event === 'created')?.at ?? timeline[0]?.at);
  const events = [...new Set(timeline.map(t => t.event))];
  const point = t => ({ x: (Date.parse(t.at) - start) / HOUR, y: events.indexOf(t.event) });
  return chartCard('timeline', 'Timeline (hours since creation)', {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'on chain', data: timeline.filter(t => t.kind === 'event').map(point), backgroundColor: colours.series[0], pointRadius: 6 },
        { label: 'deadline', data: timeline.filter(t => t.kind === 'deadline').map(point), borderColor: colours.series[3], backgroundColor: 'transparent', pointStyle: 'rectRot', pointRadius: 7, borderWidth: 2 },
      ],
    },
    options: {
      scales: {
        x: { type: 'linear', title: { text: 'hours since creation' } },
        y: {
          type: 'linear', reverse: true, min: -0.5, max: events.length - 0.5,
          // One tick per event name (the axis bounds sit half a step outside them).
          afterBuildTicks: axis => { axis.ticks = events.map((_, i) => ({ value: i })); },
          ticks: { autoSkip: false, callback: v => events[v] ?? '' },
        },
      },
    },
  });
}

// Curators ordered by what they were paid, so that many bars read as a distribution.
function stakesChart(submissions, colours) {
  const rows = submissions.slice().sort((a, b) => (BigInt(b.paid) > BigInt(a.paid) ? 1 : BigInt(b.paid) < BigInt(a.paid) ? -1 : 0));
  return chartCard('stakes', STAKES_TITLE, {
    type: 'bar',
    data: {
      labels: rows.map(s => short(s.curator)),
      datasets: [
        { label: 'stake', data: rows.map(s => tokenNumber(s.stake)), backgroundColor: colours.series[1] },
        { label: 'paid', data: rows.map(s => tokenNumber(s.paid)), backgroundColor: colours.series[2] },
      ],
    },
    options: { scales: { x: { ticks: { autoSkip: true, maxRotation: 60 } }, y: { beginAtZero: true } } },
  });
}

// Scores from claims, in bins of 1000 bps from −10000 to 10000.
function scoreHistogram(rows, colours) {
  const bins = Array.from({ length: 20 }, (_, i) => -10000 + i * 1000);
  const counts = bins.map(() => 0);
  const scored = rows.filter(s => s.score_bps !== null);
  for (const s of scored) counts[Math.min(19, Math.floor((s.score_bps + 10000) / 1000))] += 1;
  return chartCard('scores', SCORES_TITLE, {
    type: 'bar',
    data: {
      labels: bins.map(b => `${b}…${b + 1000}`),
      datasets: [{ label: 'curators', data: counts, backgroundColor: bins.map(b => (b < 0 ? colours.bad : colours.good)) }],
    },
    options: { scales: { x: {}, y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
  }, scored.length ? `${scored.length} scored curators (scores appear with claims).` : 'No scores yet: they appear as curators claim.');
}

// Which oracle signed which digest: a stack per oracle, one colour per digest (✓ the accepted one).
function attestationChart(attestations, reports, colours) {
  const oracles = [...new Set(attestations.map(a => a.signer))];
  const digests = [...new Set(attestations.map(a => a.digest))];
  const accepted = new Set(reports.map(r => r.digest));
  return chartCard('attestations', ATTESTATIONS_TITLE, {
    type: 'bar',
    data: {
      labels: oracles.map(short),
      datasets: digests.map((digest, i) => ({
        label: `${short(digest)}${accepted.has(digest) ? ' ✓ accepted' : ''}`,
        data: oracles.map(o => attestations.filter(a => a.signer === o && a.digest === digest).length),
        backgroundColor: colours.series[i % colours.series.length],
        maxBarThickness: 80,
      })),
    },
    options: stackedCounts(),
  });
}
