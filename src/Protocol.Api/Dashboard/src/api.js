// The dashboard reads the same read-only HTTP API analysts use (docs/analysts.md).

export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
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
