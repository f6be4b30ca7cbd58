// A small, safe Markdown renderer for prompts and responses. The text comes from a task pool anyone may have
// written, so nothing in it is ever parsed as HTML: every piece becomes a text node (createTextNode/textContent),
// and the only elements are the ones made here. What it renders: paragraphs (blank lines), line breaks, fenced code
// blocks (``` or ~~~), headings (#) shown as bold lines, lists (-, *, +, 1.), block quotes (>), and inline code,
// **bold** and *italic*. Links stay text: a label page should not send the curator elsewhere.

const FENCE = /^\s{0,3}(```|~~~)(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** The text as a DocumentFragment of safe elements. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      const code = [];
      i++;
      while (i < lines.length && !(lines[i].trimStart().startsWith(fence[1]))) code.push(lines[i++]);
      i++; // the closing fence (or the end of the text)
      const pre = document.createElement('pre');
      // A long line scrolls sideways: the block takes focus so that a keyboard can scroll it too.
      pre.tabIndex = 0;
      const language = fence[2].trim();
      pre.setAttribute('aria-label', language ? `code (${language})` : 'code');
      const element = document.createElement('code');
      element.textContent = code.join('\n');
      pre.append(element);
      fragment.append(pre);
      continue;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const p = document.createElement('p');
      p.className = 'md-heading';
      appendInline(p, heading[1]);
      fragment.append(p);
      i++;
      continue;
    }
    if (BULLET.test(line) || NUMBERED.test(line)) {
      const numbered = !BULLET.test(line);
      const pattern = numbered ? NUMBERED : BULLET;
      const list = document.createElement(numbered ? 'ol' : 'ul');
      while (i < lines.length && pattern.test(lines[i])) {
        const li = document.createElement('li');
        appendInline(li, pattern.exec(lines[i])[1]);
        list.append(li);
        i++;
      }
      fragment.append(list);
      continue;
    }
    if (QUOTE.test(line)) {
      const quote = document.createElement('blockquote');
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) quoted.push(QUOTE.exec(lines[i++])[1]);
      quote.append(renderMarkdown(quoted.join('\n')));
      fragment.append(quote);
      continue;
    }
    // A paragraph: lines up to a blank line or another block, each line break kept.
    const p = document.createElement('p');
    let first = true;
    while (i < lines.length && lines[i].trim() !== '' && !FENCE.test(lines[i]) && !HEADING.test(lines[i])
      && !BULLET.test(lines[i]) && !NUMBERED.test(lines[i]) && !QUOTE.test(lines[i])) {
      if (!first) p.append(document.createElement('br'));
      appendInline(p, lines[i++]);
      first = false;
    }
    fragment.append(p);
  }
  return fragment;
}

// `code`, **bold**, __bold__, *italic*, _italic_ (not inside words); everything else as text.
const INLINE = /(`+)([\s\S]+?)\1|\*\*(?=\S)([\s\S]+?)\*\*|__(?=\S)([\s\S]+?)__|\*(?=[^\s*])([^*]+?)\*|(?<![\w])_(?=\S)([^_]+?)_(?![\w])/g;

function appendInline(parent, text) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
    let element;
    if (m[2] !== undefined) {
      element = document.createElement('code');
      element.textContent = m[2];
    } else if (m[3] !== undefined || m[4] !== undefined) {
      element = document.createElement('strong');
      appendInline(element, m[3] ?? m[4]);
    } else {
      element = document.createElement('em');
      appendInline(element, m[5] ?? m[6]);
    }
    parent.append(element);
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}
