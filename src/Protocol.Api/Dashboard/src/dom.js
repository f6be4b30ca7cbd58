// Small DOM helpers: the pages build elements directly (no framework, nothing to hydrate).

/** Creates an element: el('a', { href: '#/x', class: 'c' }, 'text', child). Null children are skipped. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A card with a heading: the unit every page is made of. */
export function card(title, ...children) {
  return el('section', { class: 'card' }, el('h2', {}, title), ...children);
}

/** Key figures as a definition list; each value carries data-fact for tests and scrapers. */
export function facts(entries) {
  return el('dl', { class: 'facts' }, entries.map(([label, value, key]) =>
    el('div', { class: 'fact' }, el('dt', {}, label), el('dd', { dataset: { fact: key ?? label } }, value))));
}
