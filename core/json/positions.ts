import { findNodeAtLocation, type Node, parseTree } from "jsonc-parser";
import type { Finding } from "../findings.types.ts";
import { fromPointer } from "./pointer.ts";

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Locates JSON pointers in one document. The tree is parsed lazily, once, and only for files
 * that have findings: valid files never pay for positions.
 */
export class PositionIndex {
  readonly #text: string;
  #root: Node | undefined | null = null;

  constructor(text: string) {
    this.#text = text;
  }

  /** Position of the value at `pointer`, or of its nearest existing ancestor (a missing field). */
  locate(pointer: string): { line: number; column: number } | undefined {
    if (this.#root === null) this.#root = parseTree(this.#text, [], { disallowComments: true });
    const root = this.#root;
    if (!root) return undefined;
    const path: (string | number)[] = fromPointer(pointer);
    while (path.length > 0) {
      const node = findNodeAtLocation(
        root,
        path.map((p) => (/^\d+$/.test(String(p)) ? Number(p) : p)),
      );
      if (node) {
        // For object members, point at the property's key: that is where an editor should jump.
        const at = node.parent?.type === "property" ? node.parent.offset : node.offset;
        return lineColumnAt(this.#text, at);
      }
      path.pop();
    }
    return lineColumnAt(this.#text, root.offset);
  }
}

/** Fills `line`/`column` of the findings that lack them, from their pointers. */
export function attachPositions(findings: Finding[], text: string): Finding[] {
  if (findings.every((f) => f.line !== undefined)) return findings;
  const index = new PositionIndex(text);
  return findings.map((f) => (f.line !== undefined ? f : { ...f, ...index.locate(f.pointer) }));
}
