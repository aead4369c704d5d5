import semver from "semver";

/** The longest constraint accepted: keeps adversarial input far from semver's regular expressions. */
export const MAX_CONSTRAINT_LENGTH = 256;

const PART = /^(\^|~|>=|>|<=|<|=)?\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

export interface ParsedConstraint {
  /** The constraint as the spec writes it, e.g. ">=1.2.0,<2.0.0". */
  source: string;
  /** The equivalent node-semver range, e.g. ">=1.2.0 <2.0.0". */
  range: string;
  /** True when the constraint names one exact version ("1.2.3" or "=1.2.3"). */
  exact: boolean;
}

/**
 * Parses the spec's version constraints: exact, `^`, `~`, `>=`, `>`, `<=`, `<`, and
 * comma-joined conjunctions (`>=1.2.3,<2.0.0`). Anything else is refused with the reason, never
 * guessed at.
 */
export function parseConstraint(text: string): { value?: ParsedConstraint; error?: string } {
  let parsed = parsedConstraints.get(text);
  if (!parsed) {
    if (parsedConstraints.size > 10_000) parsedConstraints.clear();
    parsed = parseUncached(text);
    parsedConstraints.set(text, parsed);
  }
  return parsed;
}

const parsedConstraints = new Map<string, { value?: ParsedConstraint; error?: string }>();

function parseUncached(text: string): { value?: ParsedConstraint; error?: string } {
  if (text.length > MAX_CONSTRAINT_LENGTH)
    return { error: `longer than ${MAX_CONSTRAINT_LENGTH} characters` };
  const parts = text.split(",").map((p) => p.trim());
  const ranges: string[] = [];
  for (const part of parts) {
    const match = PART.exec(part);
    if (!match || !semver.valid(match[2] ?? "")) {
      return {
        error: `'${part}' is not a version constraint: use 1.2.3, ^1.2.3, ~1.2.3, >=1.2.3, >1.2.3, <=1.2.3, <1.2.3 or a comma-joined list`,
      };
    }
    ranges.push(`${match[1] ?? ""}${match[2]}`);
  }
  const range = ranges.join(" ");
  if (semver.validRange(range) === null) return { error: `'${text}' is not a valid range` };
  const exact = parts.length === 1 && /^=?\d/.test(parts[0] ?? "");
  return { value: { source: text, range, exact } };
}

/** Whether `version` satisfies the constraint; prereleases only when asked (or named exactly). */
export function satisfies(version: string, constraint: ParsedConstraint, includePrerelease = false): boolean {
  return semver.satisfies(version, constraint.range, {
    includePrerelease: includePrerelease || constraint.exact,
  });
}
