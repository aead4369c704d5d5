import { isObject } from "../json/is-object.ts";
import { escapeToken, fromPointer } from "../json/pointer.ts";

/**
 * The graph of an author's configuration schema: every subschema ajv would apply (found through
 * the keywords of JSON Schema 2020-12 that take schemas), and every way one applies another, with
 * `$ref`s resolved. Built with an explicit stack; the schema's depth was capped when it was parsed.
 */

/** One subschema (an object; boolean schemas cost nothing and apply nothing). */
export interface SchemaNode {
  /** JSON pointer of the subschema inside the schema document. */
  pointer: string;
  schema: Record<string, unknown>;
  /** Subschemas applied to the same value (combinators, conditionals, `$ref`). */
  same: number[];
  /** Whether each `same` edge is a combinator (`allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`). */
  combinator: boolean[];
  /** Subschemas applied to a part of the value (properties, items, property names). */
  inner: number[];
  /** Unresolved `$ref` of this node, resolved by walkSchema. */
  ref?: string;
}

export interface SchemaGraph {
  nodes: SchemaNode[];
  /** Every `pattern` and `patternProperties` key, with where it is. */
  patterns: { pattern: string; pointer: string }[];
}

/** Something ajv would accept that the bounds cannot reason about. */
export interface WalkProblem {
  pointer: string;
  message: string;
}

const SAME_ONE = ["not", "if", "then", "else"];
const SAME_MANY = ["allOf", "anyOf", "oneOf"];
const SAME_MAP = ["dependentSchemas", "dependencies"];
const INNER_ONE = [
  "additionalProperties",
  "propertyNames",
  "items",
  "contains",
  "unevaluatedItems",
  "unevaluatedProperties",
  "additionalItems",
];
const INNER_MAP = ["properties", "patternProperties"];
const CONTAINERS = ["$defs", "definitions"];
const REFUSED: Record<string, string> = {
  $dynamicRef: "`$dynamicRef` is resolved at run time and cannot be bounded: use `$ref`",
  $recursiveRef: "`$recursiveRef` is resolved at run time and cannot be bounded: use `$ref`",
};

/** Walks `root` into its graph, or names the first construct that is refused. */
export function walkSchema(root: unknown): { graph: SchemaGraph } | { problem: WalkProblem } {
  const nodes: SchemaNode[] = [];
  const byPointer = new Map<string, number>();
  const anchors = new Map<string, number>();
  const patterns: SchemaGraph["patterns"] = [];
  // Each task: a value in a schema position, and the node and edge kind that lead to it.
  const tasks: { value: unknown; pointer: string; from?: number; kind?: "same" | "combinator" | "inner" }[] =
    [{ value: root, pointer: "" }];
  for (let task = tasks.pop(); task; task = tasks.pop()) {
    const { value, pointer } = task;
    if (!isObject(value)) continue; // a boolean schema (or a value ajv refuses when it compiles)
    const id = nodes.length;
    const node: SchemaNode = { pointer, schema: value, same: [], combinator: [], inner: [] };
    nodes.push(node);
    byPointer.set(pointer, id);
    if (task.from !== undefined) {
      const from = nodes[task.from] as SchemaNode;
      if (task.kind === "inner") from.inner.push(id);
      else {
        from.same.push(id);
        from.combinator.push(task.kind === "combinator");
      }
    }
    for (const keyword of Object.keys(REFUSED)) {
      if (keyword in value)
        return { problem: { pointer: `${pointer}/${keyword}`, message: REFUSED[keyword] as string } };
    }
    if (pointer !== "" && "$id" in value) {
      return {
        problem: { pointer: `${pointer}/$id`, message: "`$id` is allowed only at the top of the schema" },
      };
    }
    if (typeof value.$anchor === "string") anchors.set(value.$anchor, id);
    if (typeof value.$ref === "string") node.ref = value.$ref;
    if (typeof value.pattern === "string")
      patterns.push({ pattern: value.pattern, pointer: `${pointer}/pattern` });
    if (isObject(value.patternProperties)) {
      for (const key of Object.keys(value.patternProperties))
        patterns.push({ pattern: key, pointer: `${pointer}/patternProperties/${escapeToken(key)}` });
    }
    const push = (child: unknown, at: string, kind: "same" | "combinator" | "inner" | undefined): void => {
      tasks.push({ value: child, pointer: at, ...(kind ? { from: id, kind } : {}) });
    };
    for (const k of SAME_ONE) if (k in value) push(value[k], `${pointer}/${k}`, "combinator");
    for (const k of SAME_MANY) {
      const list = value[k];
      if (Array.isArray(list))
        for (const [i, s] of list.entries()) push(s, `${pointer}/${k}/${i}`, "combinator");
    }
    for (const k of SAME_MAP) {
      const map = value[k];
      if (isObject(map))
        for (const [key, s] of Object.entries(map)) push(s, `${pointer}/${k}/${escapeToken(key)}`, "same");
    }
    for (const k of INNER_ONE) {
      const v = value[k];
      if (Array.isArray(v)) for (const [i, s] of v.entries()) push(s, `${pointer}/${k}/${i}`, "inner");
      else if (k in value) push(v, `${pointer}/${k}`, "inner");
    }
    if (Array.isArray(value.prefixItems))
      for (const [i, s] of value.prefixItems.entries()) push(s, `${pointer}/prefixItems/${i}`, "inner");
    for (const k of INNER_MAP) {
      const map = value[k];
      if (isObject(map))
        for (const [key, s] of Object.entries(map)) push(s, `${pointer}/${k}/${escapeToken(key)}`, "inner");
    }
    for (const k of CONTAINERS) {
      const map = value[k];
      if (isObject(map))
        for (const [key, s] of Object.entries(map)) push(s, `${pointer}/${k}/${escapeToken(key)}`, undefined);
    }
  }
  for (const node of nodes) {
    if (node.ref === undefined) continue;
    const target = resolveRef(node.ref, byPointer, anchors);
    if (target === undefined) {
      return {
        problem: {
          pointer: `${node.pointer}/$ref`,
          message: `\`$ref\` ${JSON.stringify(node.ref)} does not name a subschema of this schema (only "#", "#/<pointer>" and "#<anchor>" are supported)`,
        },
      };
    }
    node.same.push(target);
    node.combinator.push(false);
  }
  return { graph: { nodes, patterns } };
}

function resolveRef(
  ref: string,
  byPointer: Map<string, number>,
  anchors: Map<string, number>,
): number | undefined {
  if (!ref.startsWith("#")) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === "" || fragment.startsWith("/")) {
    // Normalise the pointer's escaping the way the walk wrote it.
    return byPointer.get(
      fromPointer(fragment)
        .map((t) => `/${escapeToken(t)}`)
        .join(""),
    );
  }
  return anchors.get(fragment);
}
