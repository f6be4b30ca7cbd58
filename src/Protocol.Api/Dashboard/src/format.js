// Display formats. Amounts arrive as decimal strings of base units (uint256 does not fit a double);
// they are shown exactly, in tokens of 18 decimals, and only charts round them to numbers.

const DECIMALS = 18n;
const UNIT = 10n ** DECIMALS;

/** Base units → exact token amount: 1234500000000000000000 → "1,234.5". */
export function tokens(raw) {
  if (raw === null || raw === undefined || raw === '') return '—';
  let value = BigInt(raw);
  const negative = value < 0n;
  if (negative) value = -value;
  const whole = (value / UNIT).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (value % UNIT).toString().padStart(Number(DECIMALS), '0').replace(/0+$/, '');
  return (negative ? '-' : '') + whole + (fraction ? '.' + fraction : '');
}

/** Base units → tokens as a double, for charts only. */
export function tokenNumber(raw) {
  if (raw === null || raw === undefined) return 0;
  return Number(BigInt(raw) / 10n ** 12n) / 1e6;
}

export function integer(value) {
  return value === null || value === undefined ? '—' : String(value);
}

/** ISO-8601 UTC → "2026-11-26 17:46:43 UTC". */
export function time(iso) {
  return iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '—';
}

export function short(hex) {
  return hex && hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex ?? '—';
}

export function yesNo(value) {
  return value === null || value === undefined ? '—' : value ? 'yes' : 'no';
}

/** Profit of a settled submission (paid − stake), null while unsettled. */
export function profit(row) {
  return row.claimed !== null || row.refunded !== null ? (BigInt(row.paid) - BigInt(row.stake)).toString() : null;
}
