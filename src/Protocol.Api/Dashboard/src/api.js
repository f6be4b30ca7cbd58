// The dashboard reads the same read-only HTTP API analysts use (docs/analysts.md).

// Until the document has loaded (the first page's requests, made while the module runs), requests are
// synchronous: the first page is then complete before the load event, so anything that captures the page at
// load (a headless `chromium --screenshot`, with no virtual-time budget; a crawler) sees it, not an empty
// frame, and nothing waits on a timer. Later pages fetch as usual. The API is local and answers in
// milliseconds; a slow one delays the first paint instead of showing a blank page.
function getSync(path) {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', path, false);
  xhr.setRequestHeader('accept', 'application/json');
  xhr.send();
  return { ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status, statusText: xhr.statusText, json: async () => JSON.parse(xhr.responseText) };
}

export async function getJson(path) {
  const response = document.readyState === 'complete'
    ? await fetch(path, { headers: { accept: 'application/json' } })
    : getSync(path);
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail ?? detail; } catch { /* not problem details */ }
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
}

/** Every item of a paged list (the API caps a page at 1000). */
export async function getAll(path) {
  const items = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await getJson(`${path}${path.includes('?') ? '&' : '?'}offset=${offset}&limit=1000`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}
