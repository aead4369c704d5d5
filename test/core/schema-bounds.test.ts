/**
 * J6: every string and array that untrusted input can fill is bounded, in every schema the
 * registry validates untrusted files with. Refinements (if/then/else, anyOf branches) narrow a
 * property that is bounded where it is declared.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

const dir = new URL("../../schemas/", import.meta.url);
const REFINEMENTS = new Set(["then", "else", "anyOf", "if", "not"]);

function unbounded(node: unknown, path: string[], out: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      unbounded(child, [...path, String(i)], out);
    });
    return;
  }
  if (node === null || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  const refined = path.some((p) => REFINEMENTS.has(p));
  if (!refined && schema.type === "string" && !("maxLength" in schema) && !("enum" in schema)) {
    out.push(`${path.join("/")}: string without maxLength`);
  }
  if (!refined && schema.type === "array" && !("maxItems" in schema))
    out.push(`${path.join("/")}: array without maxItems`);
  if (
    !refined &&
    schema.type === "object" &&
    "additionalProperties" in schema &&
    typeof schema.additionalProperties === "object"
  ) {
    if (!("maxProperties" in schema) && !("propertyNames" in schema))
      out.push(`${path.join("/")}: open object without bound`);
  }
  for (const [key, child] of Object.entries(schema)) {
    if (key === "examples" || key === "default") continue;
    unbounded(child, [...path, key], out);
  }
}

for (const file of readdirSync(dir).filter((f) => f.endsWith(".schema.json"))) {
  test(`${file}: every string and array is bounded`, () => {
    const schema = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
    const out: string[] = [];
    unbounded(schema, [], out);
    assert.deepEqual(out, []);
  });
}
