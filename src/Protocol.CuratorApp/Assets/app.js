// The curator app's page: label the key's items (click or keys), review, then stake and commit, reveal and claim.
// Every call goes to the local fmp curator app with the session token; the key never reaches this page. State that
// matters lives on the server (the label file is saved after every choice), so a reload continues where it stopped.
import { renderMarkdown } from './markdown.js';

const TOKEN = 'fmp-curator-token';
const CURSOR = 'fmp-curator-cursor';
const LOG = 'fmp-curator-log';

let token = takeToken();
let state = null;
let items = [];
let cursor = 0;
let queue = Promise.resolve();
let activity = JSON.parse(sessionStorage.getItem(LOG) ?? '[]');

// The token arrives once in the URL's fragment (#token=…); it is kept for this tab only, and the address bar is
// cleaned so that the token is not left on screen or in a bookmark.
function takeToken() {
  const fromHash = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  const fromQuery = new URLSearchParams(location.search).get('token');
  const found = fromHash?.[1] ?? fromQuery;
  if (found) {
    sessionStorage.setItem(TOKEN, found);
    history.replaceState(null, '', location.pathname + '#/label');
  }
  return sessionStorage.getItem(TOKEN);
}

async function api(path, body) {
  const response = await fetch(`/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'X-Session-Token': token ?? '', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ?? `the app answered HTTP ${response.status}`);
  return data;
}

/** el('p', { class: 'x' }, 'text', child): an element with attributes and children (strings become text nodes). */
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function announce(text) {
  const status = document.getElementById('status');
  status.textContent = '';
  // A fresh text node after clearing makes screen readers read a repeated message again.
  requestAnimationFrame(() => { status.textContent = text; });
}

function route() {
  const name = /^#\/(label|review|submit)/.exec(location.hash)?.[1];
  return name ?? 'label';
}

const labelled = () => Object.keys(state.labels.labels).length;
const skipped = () => state.labels.skipped.length;
const choiceOf = id => state.labels.labels[id] ?? (state.labels.skipped.includes(id) ? 'skip' : null);

function openIndex(from) {
  for (let k = 0; k < items.length; k++) {
    const i = (from + k) % items.length;
    if (choiceOf(items[i].id) === null) return i;
  }
  return -1;
}

function setCursor(index) {
  cursor = Math.max(0, Math.min(index, items.length - 1));
  if (items[cursor]) sessionStorage.setItem(CURSOR, items[cursor].id);
}

// ---- rendering ---------------------------------------------------------------------------------------------------

function render({ focus = false } = {}) {
  const name = route();
  const main = document.getElementById('page');
  const focused = document.activeElement?.id;
  delete document.body.dataset.ready;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.getElementById('who').textContent = state
    ? `${short(state.curator.address)} · market ${state.market.id}` : '';
  main.replaceChildren(...(state ? pages[name]() : []).flat().filter(Boolean));
  document.title = `${{ label: 'Label', review: 'Review', submit: 'Stake, reveal, claim' }[name]} — Feedback Market curator`;
  if (focus) document.getElementById('title')?.focus();
  else if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  document.body.dataset.ready = name;
  document.body.dataset.labelled = state ? String(labelled()) : '0';
  document.body.dataset.cursor = items[cursor]?.id ?? '';
}

function short(hex) {
  return hex && hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
}

function marketBar() {
  const m = state.market;
  const upcoming = m.deadlines.filter(d => !d.past).slice(0, 2);
  const shown = upcoming.length > 0 ? upcoming : m.deadlines.slice(-1);
  return el('section', { class: 'bar', 'aria-label': 'Market' },
    el('span', { class: `badge ${m.phase}` }, m.phase),
    el('span', {}, `Market ${m.id}: pool ${m.pool.text}, stake ${m.minStake.tokens} to ${m.stakeCap.text}`),
    ...shown.map(d => el('span', { class: 'deadline', title: d.local, 'data-deadline': d.key }, d.text)));
}

function notice(text, kind = 'note') {
  return el('p', { class: `notice ${kind}` }, text);
}

const pages = {
  label() {
    if (items.length === 0) {
      return [el('h1', { id: 'title', tabindex: '-1' }, 'No items to label'), marketBar(),
        notice('The task pool gives this key no items in this market.')];
    }
    const item = items[cursor];
    const choice = choiceOf(item.id);
    const locked = state.labels.locked;
    const chooseButton = (pref, label, keys) => el('button', {
      type: 'button', id: `choose-${pref}`, class: `btn choose${choice === pref ? ' chosen' : ''}`,
      'aria-pressed': String(choice === pref), disabled: Boolean(locked), onclick: () => enqueue(() => choose(pref)),
    }, label, ' ', ...keys.map(k => el('kbd', {}, k)));
    const response = (side, text) => el('section', {
      class: `response${choice === side ? ' chosen' : ''}`, 'aria-labelledby': `response-${side}-h`,
    },
    el('h2', { id: `response-${side}-h` }, `Response ${side.toUpperCase()}`, choice === side ? el('span', { class: 'mark' }, ' · your choice') : null),
    el('div', { class: 'md' }, renderMarkdown(text)));

    return [
      el('h1', { id: 'title', tabindex: '-1' }, `Item ${cursor + 1} of ${items.length}`,
        el('span', { class: 'item-id' }, ` · ${item.id}`)),
      marketBar(),
      progress(),
      locked ? notice(`Labels are locked: ${locked}.`) : null,
      el('article', { class: 'item', 'aria-labelledby': 'title' },
        el('section', { class: 'prompt', 'aria-labelledby': 'prompt-h' },
          el('h2', { id: 'prompt-h' }, 'Prompt'),
          el('div', { class: 'md' }, renderMarkdown(item.prompt))),
        el('div', { class: 'pair' }, response('a', item.a), response('b', item.b)),
        el('div', { class: 'choices', role: 'group', 'aria-label': 'Your label for this item' },
          chooseButton('a', 'A is better', ['1', '←']),
          chooseButton('b', 'B is better', ['2', '→']),
          el('button', { type: 'button', id: 'skip', class: 'btn', disabled: Boolean(locked), 'aria-pressed': String(choice === 'skip'), onclick: () => enqueue(() => choose('skip')) }, 'Skip ', el('kbd', {}, 's')),
          el('button', { type: 'button', id: 'undo', class: 'btn', disabled: Boolean(locked) || state.labels.undoable === 0, onclick: () => enqueue(undo) }, 'Undo ', el('kbd', {}, 'u'))),
        el('div', { class: 'walk' },
          el('button', { type: 'button', id: 'previous', class: 'btn quiet', disabled: cursor === 0, onclick: () => { setCursor(cursor - 1); render(); } }, 'Previous item'),
          el('button', { type: 'button', id: 'next', class: 'btn quiet', disabled: cursor === items.length - 1, onclick: () => { setCursor(cursor + 1); render(); } }, 'Next item'),
          el('a', { href: '#/review' }, 'Review all labels'))),
    ];
  },

  review() {
    const rows = items.map((item, i) => {
      const choice = choiceOf(item.id);
      return el('tr', { 'data-key': item.id },
        el('td', { class: 'num' }, String(i + 1)),
        el('td', {}, el('code', {}, item.id)),
        el('td', { class: 'excerpt' }, excerpt(item.prompt)),
        // The chosen response's opening words: a prompt is often the same for many items, the responses are not.
        el('td', { 'data-col': 'label' }, choice === 'a' || choice === 'b'
          ? [el('strong', {}, choice.toUpperCase()), el('span', { class: 'muted' }, ` ${excerpt(choice === 'a' ? item.a : item.b, 60)}`)]
          : choice === 'skip' ? 'skipped' : '—'),
        el('td', {}, el('button', {
          type: 'button', id: `change-${i}`, class: 'btn quiet', 'aria-label': `Change the label of item ${i + 1}`,
          onclick: () => { setCursor(i); location.hash = '#/label'; },
        }, choice ? 'Change' : 'Label')));
    });
    return [
      el('h1', { id: 'title', tabindex: '-1' }, 'Review your labels'),
      marketBar(),
      progress(),
      el('div', { class: 'card scroll' },
        el('table', { 'data-table': 'review' },
          el('caption', {}, `Your ${items.length} items and your label of each`),
          el('thead', {}, el('tr', {},
            el('th', { scope: 'col', class: 'num' }, '#'), el('th', { scope: 'col' }, 'Item'), el('th', { scope: 'col' }, 'Prompt'),
            el('th', { scope: 'col' }, 'Your label'), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Action')))),
          el('tbody', {}, rows))),
      el('p', {}, el('a', { href: '#/submit', class: 'btn primary', id: 'to-submit' }, 'Continue to stake and commit')),
    ];
  },

  submit() {
    const m = state.market;
    const c = state.curator;
    const step = state.next.step;
    const enough = labelled() >= Math.max(1, state.minimum);
    const commitBlocked = c.committed ? null
      : m.phase !== 'open' ? 'Commits are closed.'
        : !enough ? `Label at least ${Math.max(1, state.minimum)} items first (${labelled()} so far).` : null;
    const s = state.settlement;
    return [
      el('h1', { id: 'title', tabindex: '-1' }, 'Stake, reveal, claim'),
      marketBar(),
      el('p', { class: 'next', 'data-next': step }, state.next.text),
      el('section', { class: 'card', 'aria-labelledby': 'terms-h' },
        el('h2', { id: 'terms-h' }, 'The market'),
        el('dl', { class: 'facts' },
          fact('Phase', m.phase), fact('Reward pool', m.pool.text), fact('Stake', `${m.minStake.text} to ${m.stakeCap.text}`),
          fact('Slash at worst', `${m.slashBps / 100}% of the stake`), fact('Oracle fee', `${m.oracleFeeBps / 100}% of the pool`),
          fact('Evaluation spec', m.spec), fact('Your items', state.assigned ? `${state.items} assigned to this key` : `${state.items} (every item)`),
          fact('Your balance', c.balance.text)),
        el('ul', { class: 'deadlines' }, m.deadlines.map(d => el('li', { 'data-deadline': d.key }, d.text, el('span', { class: 'muted' }, ` (${d.local})`))))),
      el('section', { class: 'card', 'aria-labelledby': 'commit-h' },
        el('h2', { id: 'commit-h' }, '1. Stake and commit'),
        c.committed
          ? el('p', { 'data-done': 'commit' }, `Committed with a stake of ${c.stake.text}. Your labels are locked until you reveal them.`)
          : el('form', { id: 'commit-form', onsubmit: event => { event.preventDefault(); enqueue(commit); } },
            el('p', {}, `The commit binds your label file (${labelled()} labels) to this key without showing it. A label that helps earns a share of the pool; one that hurts loses part of the stake.`),
            el('label', { for: 'stake' }, `Stake in ${m.token} (${m.minStake.tokens} to ${m.stakeCap.tokens})`),
            el('div', { class: 'row' },
              el('input', { id: 'stake', name: 'stake', inputmode: 'decimal', autocomplete: 'off', value: sessionStorage.getItem('fmp-curator-stake') ?? m.minStake.tokens, 'aria-describedby': commitBlocked ? 'commit-why' : null }),
              el('button', { type: 'submit', id: 'commit', class: 'btn primary', disabled: Boolean(commitBlocked) }, 'Stake and commit')),
            commitBlocked ? el('p', { id: 'commit-why', class: 'muted' }, commitBlocked) : null)),
      el('section', { class: 'card', 'aria-labelledby': 'reveal-h' },
        el('h2', { id: 'reveal-h' }, '2. Publish and reveal'),
        c.revealed
          ? el('p', { 'data-done': 'reveal' }, 'Revealed. The oracles evaluate your labels once the sponsor reveals the gold set.')
          : [el('p', {}, state.reveal.text),
            el('button', { type: 'button', id: 'reveal', class: 'btn primary', disabled: step !== 'reveal', 'aria-describedby': step !== 'reveal' ? 'reveal-why' : null, onclick: () => enqueue(reveal) }, 'Publish and reveal'),
            step !== 'reveal' ? el('p', { id: 'reveal-why', class: 'muted' }, c.committed ? 'Reveals open when commits close.' : 'Commit first.') : null]),
      el('section', { class: 'card', 'aria-labelledby': 'claim-h' },
        el('h2', { id: 'claim-h' }, '3. Claim'),
        s ? el('dl', { class: 'facts', 'data-settlement': '' },
          fact('Score', s.scoreBps === null ? '—' : `${s.scoreBps} bps`, 'score'),
          fact('Value', s.value ?? '—', 'value'),
          fact('Stake', s.stake?.text ?? '—', 'stake'),
          fact('Payout', s.payout?.text ?? '—', 'payout'),
          fact('Profit', s.profit?.text ?? '—', 'profit'),
          fact('Claimed', s.claimed ? 'yes' : 'no', 'claimed')) : el('p', {}, 'Your score, value, payout and profit show here once a report is accepted.'),
        s?.note ? notice(s.note) : null,
        el('button', { type: 'button', id: 'claim', class: 'btn primary', disabled: step !== 'claim', onclick: () => enqueue(claim) }, 'Claim'),
        state.dashboard ? el('p', {}, el('a', { href: state.dashboard, id: 'dashboard', target: '_blank', rel: 'noopener' }, 'Your page on the analyst dashboard')) : null),
      el('p', {}, el('button', { type: 'button', id: 'refresh', class: 'btn quiet', onclick: () => enqueue(refresh) }, 'Check the chain again')),
      activity.length > 0 ? el('section', { class: 'card', 'aria-labelledby': 'log-h' },
        el('h2', { id: 'log-h' }, 'What was done'),
        el('div', { role: 'log' }, el('ul', { class: 'log' }, activity.map(a => el('li', {}, a))))) : null,
      el('p', { class: 'muted' }, `Label file: ${state.files.labels}. Salt: ${state.files.secrets}.`),
    ];
  },
};

function fact(name, value, key) {
  return el('div', { class: 'fact' }, el('dt', {}, name), el('dd', key ? { 'data-fact': key } : {}, value));
}

function progress() {
  const done = labelled();
  const min = state.minimum;
  return el('div', { class: 'progress' },
    el('label', { for: 'progress-bar' }, 'Progress'),
    el('progress', { id: 'progress-bar', max: String(items.length), value: String(done), 'aria-describedby': 'progress-text' }),
    el('p', { id: 'progress-text', 'data-progress': String(done) },
      `${done} of ${items.length} labelled`, skipped() ? `, ${skipped()} skipped` : '',
      min > 0 ? ` (at least ${min} needed)` : ''));
}

function excerpt(text, length = 90) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

// ---- actions -----------------------------------------------------------------------------------------------------

// Actions run one after another, in the order the keys were pressed: none is lost while the last one saves.
function enqueue(action) {
  queue = queue.then(action).catch(error => {
    announce(`Not done: ${error.message}`);
    showError(error.message);
  });
  return queue;
}

function showError(message) {
  const main = document.getElementById('page');
  main.querySelector('.error')?.remove();
  const box = el('p', { class: 'error', role: 'alert' }, message);
  main.querySelector('h1')?.after(box);
}

async function choose(pref) {
  const item = items[cursor];
  if (!item || state.labels.locked) return;
  state.labels = await api('labels', { id: item.id, pref });
  const number = cursor + 1;
  const next = openIndex(cursor + 1);
  if (next === -1) {
    announce(`Item ${number} saved. Every item has a label or was skipped: review them, then stake and commit.`);
    location.hash = '#/review';
    return;
  }
  setCursor(next);
  render({ focus: true });
  announce(`Item ${number}: ${pref === 'skip' ? 'skipped' : `response ${pref.toUpperCase()} is better`}. Saved.`);
}

async function undo() {
  if (state.labels.locked || state.labels.undoable === 0) return;
  state.labels = await api('undo', {});
  if (state.labels.changed) setCursor(items.findIndex(i => i.id === state.labels.changed));
  if (route() !== 'label') location.hash = '#/label';
  else render({ focus: true });
  announce(`Undone: item ${cursor + 1} is back to ${choiceOf(items[cursor].id) ?? 'no label'}.`);
}

async function act(path, body) {
  const result = await api(path, body);
  state = result.state;
  activity = [...activity, ...result.messages, ...result.transactions.map(t => `${t.name}: transaction ${t.hash}, gas used ${t.gasUsed}`)];
  sessionStorage.setItem(LOG, JSON.stringify(activity));
  render();
  announce(result.messages.join(' '));
}

async function commit() {
  const stake = document.getElementById('stake').value;
  sessionStorage.setItem('fmp-curator-stake', stake);
  await act('commit', { stake });
}

const reveal = () => act('reveal', {});
const claim = () => act('claim', {});

async function refresh() {
  state = await api('state');
  render();
  announce(`Market ${state.market.id} is in phase ${state.market.phase}. ${state.next.text}`);
}

// Keys on the label page; never while typing in a field, and arrows stay with a focused code block (it scrolls).
document.addEventListener('keydown', event => {
  if (!state || route() !== 'label' || event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (target instanceof Element && target.closest('input, textarea, select, [contenteditable]')) return;
  const inCode = target instanceof Element && target.closest('pre');
  let action;
  switch (event.key) {
    case '1': action = () => choose('a'); break;
    case '2': action = () => choose('b'); break;
    case 'ArrowLeft': if (!inCode) action = () => choose('a'); break;
    case 'ArrowRight': if (!inCode) action = () => choose('b'); break;
    case 's': case 'S': action = () => choose('skip'); break;
    case 'u': case 'U': action = undo; break;
    default: break;
  }
  if (action) {
    event.preventDefault();
    enqueue(action);
  }
});

window.addEventListener('hashchange', () => render({ focus: true }));

// The chain's clock moves: the deadlines' words and the phase are read again now and then (the label page only
// updates its market bar, so that nothing moves under the reader).
setInterval(() => {
  if (!state || document.hidden) return;
  enqueue(async () => {
    const fresh = await api('state');
    const changed = fresh.market.phase !== state.market.phase || fresh.labels.locked !== state.labels.locked;
    state = fresh;
    if (route() === 'label' && !changed) document.querySelector('.bar')?.replaceWith(marketBar());
    else render();
  });
}, 15_000);

async function start() {
  const main = document.getElementById('page');
  if (!token) {
    main.replaceChildren(el('h1', { id: 'title', tabindex: '-1' }, 'Open the address fmp curator app printed'),
      el('p', {}, 'This page needs the session token that comes in that address (after #token=). Open it from the terminal that runs fmp curator app.'));
    document.body.dataset.ready = 'no-token';
    return;
  }
  try {
    [state, items] = await Promise.all([api('state'), api('items')]);
  } catch (error) {
    main.replaceChildren(el('h1', { id: 'title', tabindex: '-1' }, 'The app cannot be reached'), el('p', { class: 'error', role: 'alert' }, error.message));
    document.body.dataset.ready = 'error';
    return;
  }
  const kept = items.findIndex(i => i.id === sessionStorage.getItem(CURSOR));
  const open = openIndex(0);
  setCursor(kept >= 0 && choiceOf(items[kept].id) === null ? kept : open >= 0 ? open : 0);
  if (!location.hash.startsWith('#/')) history.replaceState(null, '', '#/label');
  render();
}

start();
