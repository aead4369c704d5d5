import {
  findNodeAtLocation,
  type Node,
  type ParseError,
  type ParseOptions,
  parseTree,
  visit,
} from "jsonc-parser";
import type { Finding } from "../findings.types.ts";
import { fromPointer } from "./pointer.ts";

/** 1-based line and column of a UTF-16 offset in `text` (one scan: for a single position). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Line starts of a text, found once; each position is then a binary search, not a scan. */
export class LineIndex {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.#starts.push(i + 1);
  }

  /** 1-based line and column of a UTF-16 offset. */
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.#starts[lo] as number) + 1 };
  }
}

/**
 * How deep jsonc-parser may nest for positions. It recurses once per level, and recovers from a
 * syntax error by going on, so a text whose brackets do not match (`{"a": "b"], "c": {` over and
 * over) nests as deep as it is long, whatever depth JSON.parse or a bracket count saw: beyond
 * this a text gets no tree (findings keep no position) rather than overflowing the stack.
 */
export const MAX_TREE_DEPTH = 256;

const STOP = Symbol("stop");

/**
 * Walks `text` as jsonc-parser does, with `onError` called for each syntax error, and stops the
 * walk when it nests deeper than `MAX_TREE_DEPTH` or when `onError` returns true. True when the
 * walk went within the depth (to the end, or to where `onError` stopped it).
 */
export function boundedVisit(
  text: string,
  options: ParseOptions,
  onError: (error: ParseError) => boolean = () => false,
): boolean {
  let depth = 0;
  const begin = (): void => {
    if (++depth > MAX_TREE_DEPTH) throw STOP;
  };
  const end = (): void => {
    depth--;
  };
  try {
    visit(
      text,
      {
        onObjectBegin: begin,
        onArrayBegin: begin,
        onObjectEnd: end,
        onArrayEnd: end,
        onError: (error, offset, length) => {
          if (onError({ error, offset, length })) throw STOP;
        },
      },
      options,
    );
  } catch (thrown) {
    if (thrown !== STOP) throw thrown;
    return depth <= MAX_TREE_DEPTH;
  }
  return true;
}

/** jsonc-parser's tree of `text`, or undefined when it would nest deeper than `MAX_TREE_DEPTH`. */
export function boundedTree(text: string, options: ParseOptions): Node | undefined {
  return boundedVisit(text, options) ? parseTree(text, [], options) : undefined;
}

/**
 * Locates JSON pointers in one document. The tree is parsed lazily, once, and only for files
 * that have findings: valid files never pay for positions.
 */
export class PositionIndex {
  readonly #text: string;
  #root: Node | undefined | null = null;
  #lines: LineIndex | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** Position of the value at `pointer`, or of its nearest existing ancestor (a missing field). */
  locate(pointer: string): { line: number; column: number } | undefined {
    if (this.#root === null) this.#root = boundedTree(this.#text, { disallowComments: true });
    const root = this.#root;
    if (!root) return undefined;
    this.#lines ??= new LineIndex(this.#text);
    const lines = this.#lines;
    const path: (string | number)[] = fromPointer(pointer);
    while (path.length > 0) {
      const node = findNodeAtLocation(
        root,
        path.map((p) => (/^\d+$/.test(String(p)) ? Number(p) : p)),
      );
      if (node) {
        // For object members, point at the property's key: that is where an editor should jump.
        const at = node.parent?.type === "property" ? node.parent.offset : node.offset;
        return lines.at(at);
      }
      path.pop();
    }
    return lines.at(root.offset);
  }
}

/** Fills `line`/`column` of the findings that lack them, from their pointers. */
export function attachPositions(findings: Finding[], text: string): Finding[] {
  if (findings.every((f) => f.line !== undefined)) return findings;
  const index = new PositionIndex(text);
  return findings.map((f) => (f.line !== undefined ? f : { ...f, ...index.locate(f.pointer) }));
}
