/**
 * The one seam between the runner and core/ functions that were still landing while the runner
 * was written: constraint parsing and safe JSON loading. Everything in runner/ imports them from
 * here, so switching to core/ is a change to this file only.
 */
import semver from "semver";
import { RunnerError } from "./errors.ts";

export interface ParsedConstraint {
  source: string;
  range: string;
  exact: boolean;
}

const PART = /^(\^|~|>=|>|<=|<|=)?\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

/** The spec's constraint syntax (exact, ^, ~, comparisons, comma-joined) → a semver range. */
export function parseConstraint(text: string): { value?: ParsedConstraint; error?: string } {
  if (text.length > 256) return { error: "longer than 256 characters" };
  if (text.trim() === "*" || text.trim() === "") return { value: { source: text, range: "*", exact: false } };
  const parts = text.split(",").map((p) => p.trim());
  const ranges: string[] = [];
  for (const part of parts) {
    const match = PART.exec(part);
    if (!match || !semver.valid(match[2] ?? "")) return { error: `'${part}' is not a version constraint` };
    ranges.push(`${match[1] ?? ""}${match[2]}`);
  }
  const range = ranges.join(" ");
  if (semver.validRange(range) === null) return { error: `'${text}' is not a valid range` };
  return { value: { source: text, range, exact: parts.length === 1 && /^=?\d/.test(parts[0] ?? "") } };
}

export function satisfies(version: string, constraint: ParsedConstraint, includePrerelease = false): boolean {
  return semver.satisfies(version, constraint.range, {
    includePrerelease: includePrerelease || constraint.exact,
  });
}

/** Parses a constraint or throws INVALID_CONSTRAINT. */
export function constraintOrThrow(text: string, what: string): ParsedConstraint {
  const parsed = parseConstraint(text);
  if (!parsed.value) {
    throw new RunnerError("INVALID_CONSTRAINT", `${what}: ${parsed.error}`, { constraint: text });
  }
  return parsed.value;
}

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses JSON that came from the network or a discovery source: size cap, fatal UTF-8 decoding,
 * no prototype keys. Throws REGISTRY_DOCUMENT_INVALID naming the URL.
 */
export function parseUntrustedJson(bytes: Uint8Array, where: string, maxBytes = 4 * 1024 * 1024): unknown {
  const fail = (why: string) =>
    new RunnerError("REGISTRY_DOCUMENT_INVALID", `${where}: ${why}`, { location: where });
  if (bytes.byteLength > maxBytes) throw fail(`larger than ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw fail("not UTF-8");
  }
  try {
    return JSON.parse(text, (key, value) => {
      if (FORBIDDEN.has(key)) throw new Error(`forbidden key ${key}`);
      return value;
    });
  } catch (error) {
    throw fail((error as Error).message);
  }
}
