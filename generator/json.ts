/**
 * Canonical JSON for every generated document: keys sorted recursively (by UTF-16 code units, so
 * the order never depends on a locale), two-space indentation, a trailing newline. The same value
 * always gives the same bytes, which is what makes rebuilds byte-identical and CDN caches stable.
 *
 * The text is exactly `JSON.stringify` of a copy with sorted keys, and is made so: a copy of only
 * the objects whose keys are out of order (or that are not plain data), then one `JSON.stringify`,
 * which writes a flat string in native code. Most objects of a document are built with their keys
 * in order and are not copied. Writing the text member by member in JavaScript, as this module
 * did, built strings of many pieces that cost as much again to join when the file was hashed or
 * written: twice the time of this, in a full build where rendering is a large share of the main thread.
 */
const encoder = new TextEncoder();

/** Whether `key` is an array index, which an object lists first, in numeric order, whatever the insertion order. */
export const INDEX_LIKE = /^(?:0|[1-9]\d*)$/;

/** A copy of a member, or the member itself when no copy is needed. */
type Sort = (value: unknown) => unknown;

/**
 * `value` with every object's keys in sorted order: the value itself where nothing below it needs
 * sorting, else a copy of what does (see the module comment). What is stored to be rendered later
 * is stored so (generator/parts-cache-fs.ts): read back, it needs no copy.
 */
export function sorted(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  return Array.isArray(value) ? sortedArray(value) : sortedObject(value, sorted);
}

function sortedArray(value: unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const made = sorted(item);
    if (made === item) continue;
    copy ??= value.slice();
    copy[i] = made;
  }
  return copy ?? value;
}

/**
 * An object with its keys in sorted order, each member through `member`. The object itself when
 * its keys are already in order, its members need no copy and it is plain data (JSON.stringify
 * then lists it as it would the copy); else a copy. A copy never holds `__proto__` (assigning it
 * sets the prototype instead), and lists index-like keys first, in numeric order, as any object does.
 */
function sortedObject(value: object, member: Sort): object {
  const keys = Object.keys(value);
  const proto: unknown = Object.getPrototypeOf(value);
  let copy = !(proto === Object.prototype || proto === null) || Object.hasOwn(value, "__proto__");
  if (keys.length > 0 && INDEX_LIKE.test(keys[0] as string)) copy = true;
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = (keys[i - 1] as string) < (keys[i] as string);
  const values: unknown[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const item: unknown = (value as Record<string, unknown>)[keys[i] as string];
    const made = member(item);
    values[i] = made;
    if (made !== item) copy = true;
  }
  if (!copy && inOrder) return value;
  const order = keys.map((_, i) => i);
  if (!inOrder) order.sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
  const out: Record<string, unknown> = {};
  for (const i of order) {
    const key = keys[i] as string;
    if (key !== "__proto__") out[key] = values[i];
  }
  return out;
}

/** The canonical text of a JSON value (see the module comment). */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

/** The canonical UTF-8 bytes of a JSON value. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}

/**
 * `canonicalJson` for documents that share members: an object or array held at the top level of
 * one document is sorted once, and that copy used where another document rendered through the
 * same function holds the same value (by identity) at its top level (a plugin's document and its
 * version index share their `versions`). The values must not change while the function is in use:
 * keep it for one set of documents.
 */
export function sharedCanonicalJson(): (value: unknown) => string {
  const copies = new Map<object, unknown>();
  const member: Sort = (value) => {
    if (typeof value !== "object" || value === null) return value;
    if (copies.has(value)) return copies.get(value);
    const made = sorted(value);
    copies.set(value, made);
    return made;
  };
  return (value) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? `${JSON.stringify(sortedObject(value, member), null, 2)}\n`
      : canonicalJson(value);
}
