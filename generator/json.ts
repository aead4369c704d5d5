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
  const keys = Object.keys(value);
  // An object lists its index-like keys first: when the first is not one, none is.
  if (keys.length > 0 && INDEX_LIKE.test(keys[0] as string)) {
    return Object.keys(Object.fromEntries(keys.sort().map((k) => [k, 0])));
  }
  // Most objects of a document are built with their keys in order: no sort for them.
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) return keys.sort();
  }
  return keys;
}

/** Renders a member at nesting `indent` (undefined where JSON.stringify leaves it out). */
type WriteMember = (value: unknown, indent: string) => string | undefined;

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
  return writeObject(value, indent, write);
}

/** The text of object `value` (not an array) at nesting `indent`, each member through `member`. */
function writeObject(value: object, indent: string, member: WriteMember): string {
  const inner = `${indent}  `;
  let out = "";
  for (const key of sortedKeys(value)) {
    // The sorted copy never had this member (assigning `__proto__` sets the prototype instead).
    if (key === "__proto__") continue;
    const text = member((value as Record<string, unknown>)[key], inner);
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

/**
 * `canonicalJson` for documents that share members: an object or array held at the top level of
 * one document is rendered once, and its text reused where another document rendered through the
 * same function holds the same value (by identity) at its top level, at the same nesting (a
 * plugin's document and its version index share their `versions`). The values must not change
 * while the function is in use: keep it for one set of documents.
 */
export function sharedCanonicalJson(): (value: unknown) => string {
  const texts = new Map<object, string | undefined>();
  const member: WriteMember = (value, indent) => {
    if (typeof value !== "object" || value === null) return write(value, indent);
    if (texts.has(value)) return texts.get(value);
    const text = write(value, indent);
    texts.set(value, text);
    return text;
  };
  return (value) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? `${writeObject(value, "", member)}\n`
      : canonicalJson(value);
}
