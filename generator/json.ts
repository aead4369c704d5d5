/**
 * Canonical JSON for every generated document: keys sorted recursively (by UTF-16 code units, so
 * the order never depends on a locale), two-space indentation, a trailing newline. The same value
 * always gives the same bytes, which is what makes rebuilds byte-identical and CDN caches stable.
 */
const encoder = new TextEncoder();

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** The canonical text of a JSON value (see the module comment). */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** The canonical UTF-8 bytes of a JSON value. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
