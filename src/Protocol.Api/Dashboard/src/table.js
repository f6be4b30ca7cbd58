// Sortable tables with a CSV download of exactly the rows shown, in the order shown.
import { el, card } from './dom.js';
import { tokens, integer, time, short, yesNo } from './format.js';

const FORMATS = {
  text: v => v ?? '—',
  int: integer,
  bps: integer,
  token: tokens,
  time,
  bool: yesNo,
  address: short,
  hash: short,
};
const NUMERIC = new Set(['int', 'bps', 'token']);

/** A curator's submission to a market, as both the market and the curator pages list it. */
export const submissionColumns = [
  { key: 'stake', label: 'stake', type: 'token' },
  { key: 'revealed', label: 'revealed', type: 'bool' },
  { key: 'score_bps', label: 'score (bps)', type: 'bps' },
  { key: 'paid', label: 'paid', type: 'token' },
  { key: 'profit', label: 'profit', type: 'token' },
  { key: 'committed_at', label: 'committed', type: 'time' },
];

function compare(a, b, type) {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (NUMERIC.has(type)) {
    const x = BigInt(a), y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return String(a).localeCompare(String(b));
}

function csvCell(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A card holding a table. columns: [{ key, label, type, href?(row), value?(row) }]; rows: objects;
 * id names the table (data-table, the CSV file name); key(row) gives each row's data-key.
 */
export function table({ id, title, columns, rows, key, note }) {
  const value = (row, column) => (column.value ? column.value(row) : row[column.key]);
  let order = rows.slice();
  let sorted = { key: null, direction: 1 };
  const body = el('tbody');
  const heads = columns.map(column => {
    const button = el('button', { type: 'button', class: 'sort' }, column.label);
    const th = el('th', { scope: 'col', class: NUMERIC.has(column.type) ? 'num' : null, dataset: { col: column.key } }, button);
    button.addEventListener('click', () => {
      sorted = { key: column.key, direction: sorted.key === column.key ? -sorted.direction : NUMERIC.has(column.type) ? -1 : 1 };
      order = rows.slice().sort((a, b) => sorted.direction * compare(value(a, column), value(b, column), column.type));
      for (const other of heads) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', sorted.direction > 0 ? 'ascending' : 'descending');
      fill();
    });
    return th;
  });

  function fill() {
    body.replaceChildren(...order.map(row => el('tr', { dataset: { key: key(row) } }, columns.map(column => {
      const raw = value(row, column);
      const text = (FORMATS[column.type] ?? FORMATS.text)(raw);
      const href = column.href?.(row);
      return el('td', {
        class: NUMERIC.has(column.type) ? 'num' : null,
        title: column.type === 'address' || column.type === 'hash' ? raw : null,
        dataset: { col: column.key, raw: raw === null || raw === undefined ? '' : String(raw) },
      }, href ? el('a', { href }, text) : text);
    }))));
  }
  fill();

  const download = el('button', { type: 'button', class: 'csv' }, 'Download CSV');
  download.addEventListener('click', () => {
    const lines = [columns.map(c => csvCell(c.key)).join(',')]
      .concat(order.map(row => columns.map(c => csvCell(value(row, c))).join(',')));
    const url = URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
    const link = el('a', { href: url, download: `${id}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  const section = card(title,
    el('div', { class: 'table-tools' }, el('span', { class: 'muted' }, `${rows.length} row${rows.length === 1 ? '' : 's'}`, note ? ` · ${note}` : ''), download),
    rows.length === 0
      ? el('p', { class: 'muted empty' }, 'Nothing yet.')
      : el('div', { class: 'scroll' }, el('table', { dataset: { table: id } }, el('thead', {}, el('tr', {}, heads)), body)));
  section.dataset.card = id;
  return section;
}
