import { type SchemaGraph, type SchemaNode, walkSchema } from "./author-walk.ts";
import { compileLinear, MAX_PATTERN_PROGRAM } from "./linear-regexp.ts";

/**
 * Static bounds on an author's configuration schema, checked before ajv compiles it. Together
 * they make the cost of compiling it, and of applying it to one value, finite and small whatever
 * the schema; the cost that grows with the value checked is metered at run time (author-budget.ts).
 */
export const SCHEMA_BOUNDS = {
  /**
   * Subschemas (objects in schema positions). Real configuration schemas have tens; ajv takes
   * up to half a millisecond per subschema to compile on a loaded machine.
   */
  maxNodes: 128,
  /** Branches of one `allOf`/`anyOf`/`oneOf`, items of one `prefixItems`. */
  maxWidth: 64,
  /** Combinators nested inside each other on one value, following `$ref`s. */
  maxCombinatorDepth: 16,
  /** Subschemas applied to one value, counting every path through combinators and `$ref`s. */
  maxPerValue: 256,
  /**
   * Subschema applications for one value and all its parts, down to maxValueDepth levels, counting
   * every path (recursion through properties or items included). Bounds what one small value costs.
   */
  maxUnfolded: 20_000,
  /** Depth of configuration values considered (the depth cap of the JSON they come from). */
  maxValueDepth: 32,
  /** RE2 instructions of all patterns of one schema together (compile time). */
  maxProgram: 4000,
} as const;

/** Why a schema is refused, with the pointer into the schema document. */
export interface ShapeProblem {
  code: "CONFIG_SCHEMA_TOO_COMPLEX" | "CONFIG_SCHEMA_UNSUPPORTED";
  /** JSON pointer inside the schema document. */
  at: string;
  message: string;
}

const COMBINATORS = ["allOf", "anyOf", "oneOf", "prefixItems"];

/** Checks every static bound; returns the graph (for the run-time meter) or the first problem. */
export function checkShape(schema: unknown): { graph: SchemaGraph } | { problem: ShapeProblem } {
  const walked = walkSchema(schema);
  if ("problem" in walked)
    return {
      problem: {
        code: "CONFIG_SCHEMA_UNSUPPORTED",
        at: walked.problem.pointer,
        message: walked.problem.message,
      },
    };
  const { graph } = walked;
  const tooComplex = (at: string, message: string) => ({
    problem: { code: "CONFIG_SCHEMA_TOO_COMPLEX" as const, at, message },
  });
  if (graph.nodes.length > SCHEMA_BOUNDS.maxNodes)
    return tooComplex("", `it has ${graph.nodes.length} subschemas (the limit is ${SCHEMA_BOUNDS.maxNodes})`);
  for (const node of graph.nodes) {
    for (const keyword of COMBINATORS) {
      const list = node.schema[keyword];
      if (Array.isArray(list) && list.length > SCHEMA_BOUNDS.maxWidth)
        return tooComplex(
          `${node.pointer}/${keyword}`,
          `${list.length} branches (the limit is ${SCHEMA_BOUNDS.maxWidth})`,
        );
    }
  }
  let program = 0;
  for (const { pattern, pointer } of graph.patterns) {
    const compiled = compileLinear(pattern);
    if ("problem" in compiled) {
      return {
        problem: {
          code: compiled.tooLarge ? "CONFIG_SCHEMA_TOO_COMPLEX" : "CONFIG_SCHEMA_UNSUPPORTED",
          at: pointer,
          message: compiled.tooLarge
            ? `the pattern is too large: ${compiled.problem}`
            : `the pattern cannot run in a linear-time engine (RE2: no backreferences or lookaround): ${compiled.problem}`,
        },
      };
    }
    program += compiled.regexp.programSize();
    if (program > SCHEMA_BOUNDS.maxProgram)
      return tooComplex(
        pointer,
        `the patterns together compile to more than ${SCHEMA_BOUNDS.maxProgram} instructions (each may have ${MAX_PATTERN_PROGRAM})`,
      );
  }
  const order = sameValueOrder(graph.nodes);
  if ("cycle" in order)
    return tooComplex(
      order.cycle,
      "this `$ref` leads back to a schema already being applied to the same value: it would recurse without end (recursion must go through properties or items)",
    );
  const problem = expansion(graph.nodes, order.order);
  return problem ? tooComplex(problem.at, problem.message) : { graph };
}

/**
 * The nodes ordered so that every node comes after the nodes it applies to the same value
 * (a topological order of the same-value edges), or the `$ref` that closes a cycle among them.
 */
function sameValueOrder(nodes: readonly SchemaNode[]): { order: number[] } | { cycle: string } {
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the path, 2 done
  const order: number[] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (state[start] !== 0) continue;
    const frames: { id: number; next: number }[] = [{ id: start, next: 0 }];
    state[start] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { id: number; next: number };
      const node = nodes[frame.id] as SchemaNode;
      if (frame.next < node.same.length) {
        const next = node.same[frame.next++] as number;
        if (state[next] === 1) {
          // The $ref is the last same-value edge of a node (walkSchema adds it last).
          const viaRef = node.ref !== undefined && frame.next === node.same.length;
          return { cycle: `${node.pointer}${viaRef ? "/$ref" : ""}` };
        }
        if (state[next] === 0) {
          state[next] = 1;
          frames.push({ id: next, next: 0 });
        }
      } else {
        state[frame.id] = 2;
        order.push(frame.id);
        frames.pop();
      }
    }
  }
  return { order };
}

/** Per-value width, combinator depth and unfolded size, by dynamic programming over `order`. */
function expansion(
  nodes: readonly SchemaNode[],
  order: readonly number[],
): { at: string; message: string } | undefined {
  const cap = SCHEMA_BOUNDS.maxUnfolded + 1;
  const perValue = new Float64Array(nodes.length);
  const depth = new Uint16Array(nodes.length);
  for (const id of order) {
    const node = nodes[id] as SchemaNode;
    let count = 1;
    let d = 0;
    node.same.forEach((next, i) => {
      count += perValue[next] as number;
      d = Math.max(d, (depth[next] as number) + (node.combinator[i] ? 1 : 0));
    });
    perValue[id] = Math.min(count, cap);
    depth[id] = d;
    if (d > SCHEMA_BOUNDS.maxCombinatorDepth)
      return {
        at: node.pointer,
        message: `combinators nest ${d} deep on one value (the limit is ${SCHEMA_BOUNDS.maxCombinatorDepth})`,
      };
    if (count > SCHEMA_BOUNDS.maxPerValue)
      return {
        at: node.pointer,
        message: `it applies more than ${SCHEMA_BOUNDS.maxPerValue} subschemas to one value (combinators over shared \`$ref\`s multiply)`,
      };
  }
  // unfolded[d][id]: applications for a value with d more levels below it.
  let below = new Float64Array(nodes.length);
  for (let level = 0; level <= SCHEMA_BOUNDS.maxValueDepth; level++) {
    const here = new Float64Array(nodes.length);
    for (const id of order) {
      const node = nodes[id] as SchemaNode;
      let count = 1;
      for (const next of node.same) count += here[next] as number;
      if (level > 0) for (const next of node.inner) count += below[next] as number;
      here[id] = Math.min(count, cap);
    }
    below = here;
  }
  if ((below[0] as number) > SCHEMA_BOUNDS.maxUnfolded)
    return {
      at: "",
      message: `a value ${SCHEMA_BOUNDS.maxValueDepth} levels deep could need more than ${SCHEMA_BOUNDS.maxUnfolded} subschema applications (recursion that branches multiplies)`,
    };
  return undefined;
}
