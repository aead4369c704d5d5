/**
 * Keyed lines: the text of a cache kept as one line per key (`${key}\t${value}`, a first line
 * naming its format), read back by splitting lines only, so a large cache costs no JSON parse of
 * what is not used. Used for file stamps (core/registry/file-stamps.ts) and verdict summaries
 * (core/validate/verdicts.ts). Keys and values never hold a line break; keys hold no tab.
 */

const BREAKING = /[\t\n\r]/;

/** Whether `text` holds a tab or a line break, so cannot be a key or a field of a line. */
export function breaksLine(text: string): boolean {
  return BREAKING.test(text);
}

/** The values of `bytes` (anything, untrusted) by key: empty unless its first line is `format`. */
export function readKeyedLines(bytes: Uint8Array | undefined, format: string): Map<string, string> {
  const out = new Map<string, string>();
  if (bytes === undefined) return out;
  const text = new TextDecoder().decode(bytes);
  if (!text.startsWith(`${format}\n`)) return out;
  for (let at = format.length + 1; at < text.length; ) {
    let end = text.indexOf("\n", at);
    if (end === -1) end = text.length;
    const tab = text.indexOf("\t", at);
    if (tab > at && tab < end) out.set(text.slice(at, tab), text.slice(tab + 1, end));
    at = end + 1;
  }
  return out;
}

/**
 * The value of one `key` in `bytes`, as `readKeyedLines` would give it (the last line of that
 * key wins), found by searching the bytes rather than splitting them all: cheaper for the few
 * lines a small rebuild needs of a cache of many MB. Null when `bytes` does not begin with
 * `format` and a line break as they are, or `key` holds a tab or a line break (`readKeyedLines`
 * decides those); undefined when no line has `key`.
 */
export function keyedLine(bytes: Uint8Array, format: string, key: string): string | undefined | null {
  if (breaksLine(key)) return null;
  if (key === "") return undefined; // as in readKeyedLines: a line must have a key
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = `${format}\n`;
  if (buffer.length < head.length || buffer.toString("latin1", 0, head.length) !== head) return null;
  const at = buffer.lastIndexOf(`\n${key}\t`);
  if (at < head.length - 1) return undefined;
  const start = at + Buffer.byteLength(key) + 2;
  const end = buffer.indexOf(10, start);
  return keepingBOM.decode(bytes.subarray(start, end === -1 ? bytes.length : end));
}

/** Decodes as a whole text's decoding does within it: a byte order mark is kept, not dropped. */
export const keepingBOM = new TextDecoder("utf-8", { ignoreBOM: true });

/** The text of `lines` (each `${key}\t${value}`) under `format`. */
export function keyedLinesText(format: string, lines: readonly string[]): string {
  return lines.length === 0 ? `${format}\n` : `${format}\n${lines.join("\n")}\n`;
}
