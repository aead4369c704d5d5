/**
 * Canonical JSON for every generated document: keys sorted recursively (by UTF-16 code units, so
 * the order never depends on a locale), two-space indentation, a trailing newline. The same value
 * always gives the same bytes, which is what makes rebuilds byte-identical and CDN caches stable.
 *
 * The text is exactly `JSON.stringify` of a copy with sorted keys (undefined members dropped),
 * written in one pass without building that copy: rendering every plugin's documents is a large
 * share of a full build, and the copy was most of it.
 */
const encoder = new TextEncoder();

/** Whether `key` is an array index, which an object lists first, in numeric order, whatever the insertion order. */
const INDEX_LIKE = /^(?:0|[1-9]\d*)$/;

/**
 * The order `JSON.stringify` lists the members of a copy of `value` made with its keys sorted:
 * the sorted keys, except that index-like keys come first in numeric order (as any object lists them).
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value).sort();
  for (const key of keys) {
    if (INDEX_LIKE.test(key)) return Object.keys(Object.fromEntries(keys.map((k) => [k, 0])));
  }
  return keys;
}

/** The text of `value` at nesting `indent`, or undefined where JSON.stringify leaves a member out. */
function write(value: unknown, indent: string): string | undefined {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
      return JSON.stringify(value);
    case "object":
      break;
    default:
      return undefined;
  }
  if (value === null) return "null";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      out += `${i === 0 ? "\n" : ",\n"}${inner}${write(value[i], inner) ?? "null"}`;
    }
    return `${out}\n${indent}]`;
  }
  let out = "";
  for (const key of sortedKeys(value)) {
    // The sorted copy never had this member (assigning `__proto__` sets the prototype instead).
    if (key === "__proto__") continue;
    const text = write((value as Record<string, unknown>)[key], inner);
    if (text === undefined) continue;
    out += `${out === "" ? "{\n" : ",\n"}${inner}${JSON.stringify(key)}: ${text}`;
  }
  return out === "" ? "{}" : `${out}\n${indent}}`;
}

/** The canonical text of a JSON value (see the module comment). */
export function canonicalJson(value: unknown): string {
  return `${write(value, "")}\n`;
}

/** The canonical UTF-8 bytes of a JSON value. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
