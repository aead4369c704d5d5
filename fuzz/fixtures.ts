import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./seeds.ts";
import type { FuzzTarget } from "./target.types.ts";

/** Where minimized failing inputs are kept: one folder per target, replayed by test/fuzz/. */
export const FIXTURES = path.join(ROOT, "test", "fixtures", "fuzz");

export interface SavedInput {
  target: string;
  /** What broke, as the run saw it. */
  error: string;
  seed: number;
  input: unknown;
}

/** Writes a minimized failing input; the file name is its content hash (saving twice is harmless). */
export function saveFailure<T>(target: FuzzTarget<T>, input: T, error: string, seed: number): string {
  const saved: SavedInput = {
    target: target.name,
    error: error.slice(0, 2000),
    seed,
    input: target.encode(input),
  };
  const text = `${JSON.stringify(saved, null, 2)}\n`;
  const dir = path.join(FIXTURES, target.name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(
    dir,
    `${createHash("sha256").update(JSON.stringify(saved.input)).digest("hex").slice(0, 16)}.json`,
  );
  writeFileSync(file, text);
  return file;
}

/** The saved inputs of a target, in a stable order. */
export function savedInputs(target: string): { file: string; saved: SavedInput }[] {
  const dir = path.join(FIXTURES, target);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    const file = path.join(dir, name);
    return { file, saved: JSON.parse(readFileSync(file, "utf8")) as SavedInput };
  });
}
