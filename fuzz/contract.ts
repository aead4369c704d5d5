import assert from "node:assert/strict";
import { CODES } from "../core/codes/codes.ts";
import { MAX_FINDINGS_PER_FILE } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { isRunnerError } from "../runner/errors.ts";

/** Every finding code of the catalogue (core/codes/, from which docs/findings.md is generated). */
export const FINDING_CODES: ReadonlySet<string> = new Set(
  Object.entries(CODES)
    .filter(([, info]) => "severity" in info)
    .map(([code]) => code),
);

/** Findings as the contract wants them: documented codes, pointers, positions, capped per file. */
export function assertFindings(findings: readonly Finding[], file: string): void {
  assert.ok(Array.isArray(findings), "findings is an array");
  const perFile = new Map<string, number>();
  for (const f of findings) {
    assert.ok(FINDING_CODES.has(f.code), `undocumented code ${f.code}`);
    assert.ok(["error", "warning", "info"].includes(f.severity), `severity ${f.severity}`);
    assert.equal(typeof f.message, "string");
    assert.ok(f.message.length > 0, "a finding says something");
    assert.equal(f.file, file, "the finding names the file");
    assert.ok(f.pointer === "" || f.pointer.startsWith("/"), `pointer ${JSON.stringify(f.pointer)}`);
    if (f.line !== undefined) assert.ok(Number.isInteger(f.line) && f.line >= 1, `line ${f.line}`);
    if (f.column !== undefined) assert.ok(Number.isInteger(f.column) && f.column >= 1, `column ${f.column}`);
    perFile.set(f.file, (perFile.get(f.file) ?? 0) + 1);
  }
  for (const [name, count] of perFile)
    assert.ok(
      count <= MAX_FINDINGS_PER_FILE + 1,
      `${count} findings for ${name}: the cap is ${MAX_FINDINGS_PER_FILE} + 1`,
    );
}

/** Runs `run`: it may succeed or fail with a documented RunnerError, never another exception. */
export async function runnerOutcome<T>(run: () => Promise<T>): Promise<{ value?: T; code?: string }> {
  try {
    return { value: await run() };
  } catch (error) {
    if (isRunnerError(error)) return { code: error.code };
    throw new Error(`an exception that is not a RunnerError: ${(error as Error)?.stack ?? String(error)}`);
  }
}

export const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
export const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));
