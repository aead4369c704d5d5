import { type ParseError, printParseErrorCode, visit } from "jsonc-parser";
import { FindingCollector } from "../findings.ts";
import type { Finding, FindingCode } from "../findings.types.ts";
import { toPointer } from "./pointer.ts";
import { boundedVisit, lineColumnAt, PositionIndex } from "./positions.ts";

/** Limits for untrusted JSON. Defaults suit manifests; callers may raise them for larger documents. */
export interface LoadJsonOptions {
  /** Path shown in findings. */
  file: string;
  /** Largest accepted file, in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Deepest accepted nesting of arrays and objects (default 64). */
  maxDepth?: number;
}

export interface LoadedJson {
  /** The parsed document, present only when there are no findings. */
  value?: unknown;
  /** The decoded text, kept so findings from later stages can be given positions. */
  text?: string;
  /**
   * Set with `value`: the text is ASCII without DEL. Parsed JSON like this holds no control or
   * invisible character (a raw one below U+0020 other than whitespace fails to parse), though a
   * `\u` escape may still write one into a string.
   */
  plain?: boolean;
  findings: Finding[];
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

/** Keys that could reach Object.prototype in code that copies objects; never legitimate here. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes and parses untrusted JSON bytes without ever throwing: oversized, too deep, not UTF-8,
 * with a byte-order mark, with duplicate keys or with prototype-polluting keys, the answer is a
 * finding naming the file, pointer and position.
 *
 * A UTF-8 byte-order mark is refused (JSON_BOM): RFC 8259 forbids it in JSON text, and Go's
 * encoding/json, which the FinFocus CLI uses, rejects it; so a manifest we accept is one every
 * FinFocus tool reads.
 *
 * Valid files take the fast path: one JSON.parse and one linear scan; positions are computed only
 * for files that have findings.
 */
export function loadJson(bytes: Uint8Array, options: LoadJsonOptions): LoadedJson {
  const { file } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const fail = (code: FindingCode, message: string, at?: { line: number; column: number }): LoadedJson => ({
    findings: [{ code, severity: "error", message, file, pointer: "", ...at }],
  });

  if (bytes.byteLength > maxBytes) {
    return fail(
      "JSON_TOO_LARGE",
      `the file is ${bytes.byteLength} bytes; the limit is ${maxBytes}: keep manifests small (move long texts to your repository)`,
    );
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return fail("JSON_BOM", "the file starts with a UTF-8 byte-order mark: save it as UTF-8 without BOM", {
      line: 1,
      column: 1,
    });
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const prefix = new TextDecoder().decode(bytes.subarray(0, offset));
    return fail(
      "JSON_INVALID_UTF8",
      `invalid UTF-8 at byte ${offset}: save the file as UTF-8`,
      lineColumnAt(prefix, prefix.length),
    );
  }

  const scan = scanStructure(text, maxDepth);
  if (scan.maxDepth > maxDepth) {
    return {
      text,
      findings: [
        {
          code: "JSON_TOO_DEEP",
          severity: "error",
          message: `nesting is deeper than ${maxDepth} levels: flatten the document`,
          file,
          pointer: "",
          ...lineColumnAt(text, scan.deepAt),
        },
      ],
    };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { text, findings: [syntaxFinding(text, file, error)] };
  }

  // A file under the size cap can repeat a bad key hundreds of thousands of times: keep the first
  // findings (each needs a position), count the rest.
  const collector = new FindingCollector();
  const keyCount = walkKeys(value, (path) => {
    if (!collector.open) return collector.skip("error");
    collector.add({
      code: "JSON_FORBIDDEN_KEY",
      severity: "error",
      message: `the key '${path.at(-1)}' is not allowed (it can pollute object prototypes in clients): rename or remove it`,
      file,
      pointer: toPointer(path),
    });
  });
  if (keyCount !== scan.colons) duplicateKeys(text, file, collector);
  // A lone surrogate can only come from a \u escape (UTF-8 cannot encode one): look for it only
  // when the text escapes one. Go's encoding/json (the FinFocus CLI) reads it as U+FFFD, so one
  // manifest would say two things; I-JSON (RFC 7493) forbids it.
  const lone = ESCAPED_SURROGATE.test(text) ? loneSurrogatePath(value) : undefined;
  if (lone && collector.open)
    collector.add({
      code: "JSON_LONE_SURROGATE",
      severity: "error",
      message:
        "a \\u escape names half of a UTF-16 surrogate pair (\\uD800 to \\uDFFF without its other half), which is not a character: write the character itself, or both halves of its pair",
      file,
      pointer: toPointer(lone),
    });
  if (collector.findings.length > 0) {
    const index = new PositionIndex(text);
    const positioned = collector
      .result(file)
      .map((f) =>
        f.line !== undefined || f.code === "FINDINGS_TRUNCATED" ? f : { ...f, ...index.locate(f.pointer) },
      );
    return { text, findings: positioned };
  }
  // One byte per character: every byte is ASCII (UTF-8 writes anything else in two or more).
  return { value, text, plain: text.length === bytes.byteLength && !text.includes("\x7f"), findings: [] };
}

/** A `\u` escape of a surrogate (maybe escaped itself, `\\uD800`: then the walk finds nothing). */
const ESCAPED_SURROGATE = /\\u[dD][89abcdefABCDEF]/;
/** A surrogate that is not half of a pair (in `u` mode a pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** The path of the first key or string in `value` holding a lone surrogate, if any. */
function loneSurrogatePath(value: unknown): (string | number)[] | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: value, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { node, path } = item;
    if (typeof node === "string") {
      if (LONE_SURROGATE.test(node)) return path;
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], path: [...path, i] });
    } else if (node !== null && typeof node === "object") {
      const keys = Object.keys(node);
      // A key is named by its object (the pointer would hold the surrogate itself).
      for (const key of keys) if (LONE_SURROGATE.test(key)) return path;
      for (const key of keys.reverse())
        stack.push({ node: (node as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * One pass over the text, outside strings: the deepest nesting (and where it first passes `limit`), and the
 * number of `:` separators, which in valid JSON equals the number of object members written.
 * Whitespace is passed first and each string is skipped whole (`indexOf` to its closing quote,
 * one not preceded by an odd run of backslashes), so most characters are never compared one by one.
 */
export function scanStructure(
  text: string,
  limit: number,
): { maxDepth: number; deepAt: number; colons: number } {
  let depth = 0;
  let maxDepth = 0;
  let deepAt = 0;
  let colons = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20) continue;
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x3a) colons++;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) {
        maxDepth = depth;
        if (depth === limit + 1) deepAt = i;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { maxDepth, deepAt, colons };
}

/** The index of the quote that closes the string opened at `open`, or the text's length if none does. */
function stringEnd(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let before = quote - 1;
    while (text.charCodeAt(before) === 0x5c) before--;
    // An even run of backslashes escapes itself; an odd one escapes the quote.
    if ((quote - 1 - before) % 2 === 0) return quote;
    from = quote + 1;
  }
}

interface Frame {
  node: object;
  parent: Frame | undefined;
  key: string | number;
}

function pathOf(frame: Frame | undefined, last: string): (string | number)[] {
  const path: (string | number)[] = [last];
  for (let f = frame; f?.parent; f = f.parent) path.push(f.key);
  return path.reverse();
}

/**
 * Counts the members of every object in `value` and reports forbidden keys with their path, in
 * document order. An explicit stack rather than recursion: the depth is capped before parsing,
 * but a walk over input should not lean on that. Paths are built only for forbidden keys.
 */
function walkKeys(value: unknown, forbidden: (path: readonly (string | number)[]) => void): number {
  let count = 0;
  const stack: Frame[] = [];
  if (value !== null && typeof value === "object") stack.push({ node: value, parent: undefined, key: "" });
  const children: Frame[] = [];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const node = frame.node;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const item: unknown = node[i];
        if (item !== null && typeof item === "object") stack.push({ node: item, parent: frame, key: i });
      }
      continue;
    }
    for (const key in node) {
      count++;
      if (FORBIDDEN_KEYS.has(key)) forbidden(pathOf(frame, key));
      const child = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === "object") children.push({ node: child, parent: frame, key });
    }
    while (children.length > 0) stack.push(children.pop() as Frame);
  }
  return count;
}

/** The slow path, only for files that have duplicates: find each repeated key and where. */
function duplicateKeys(text: string, file: string, out: FindingCollector): void {
  const seen: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        seen.push(new Set());
      },
      onObjectEnd: () => {
        seen.pop();
      },
      onObjectProperty: (property, _offset, _length, startLine, startCharacter, pathSupplier) => {
        const keys = seen.at(-1);
        if (!keys) return;
        if (keys.has(property)) {
          if (!out.open) return out.skip("error");
          out.add({
            code: "JSON_DUPLICATE_KEY",
            severity: "error",
            message: `the key '${property}' appears more than once in the same object: keep one (parsers disagree on which wins)`,
            file,
            pointer: toPointer([...pathSupplier(), property]),
            line: startLine + 1,
            column: startCharacter + 1,
          });
        }
        keys.add(property);
      },
    },
    { disallowComments: true },
  );
}

function syntaxFinding(text: string, file: string, error: unknown): Finding {
  // Only the first error is wanted: the walk stops there, before any recovery from it can nest
  // deeper than the text's depth as counted (boundedVisit: it also stops if it nests too deep).
  let first: ParseError | undefined;
  boundedVisit(text, { disallowComments: true, allowTrailingComma: false }, (found) => {
    first = found;
    return true;
  });
  if (first) {
    return {
      code: "JSON_SYNTAX",
      severity: "error",
      message: `not valid JSON: ${printParseErrorCode(first.error)
        .replace(/([a-z])([A-Z])/g, "$1 $2")
        .toLowerCase()}`,
      file,
      pointer: "",
      ...lineColumnAt(text, first.offset),
    };
  }
  // jsonc-parser is more lenient than JSON.parse in a few corners (control characters in strings).
  const message = (error instanceof Error ? error.message : String(error)).split(', "')[0] ?? "";
  const position = /position (\d+)/.exec(message);
  return {
    code: "JSON_SYNTAX",
    severity: "error",
    message: `not valid JSON: ${message}`,
    file,
    pointer: "",
    ...(position ? lineColumnAt(text, Number(position[1])) : {}),
  };
}

/** Binary search for the first byte at which a fatal UTF-8 decode fails (error path only). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.byteLength;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}
