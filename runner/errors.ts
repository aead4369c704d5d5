import type { ErrorCode, FindingCode } from "../core/codes/codes.ts";
import { RegistryError } from "../core/errors.ts";
import type { Finding } from "../core/findings.types.ts";
import { FetchError } from "../core/net/fetcher.types.ts";

/**
 * The codes a runner error may carry: the catalogue's error codes (core/codes/, documented in
 * docs/findings.md with their exit statuses), and the code of any finding a core decision refuses
 * with, the same code the gate gives for the same problem (a refusal: exit status 1).
 */
export type RunnerErrorCode = ErrorCode | FindingCode;

/** A runner failure: a stable code, a message for people and details for `--format json`. */
export class RunnerError extends RegistryError<RunnerErrorCode> {
  constructor(
    code: RunnerErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, { ...options, details });
    this.name = "RunnerError";
  }
}

/** True when `error` is a RunnerError with one of `codes` (any code when none are given). */
export function isRunnerError(error: unknown, ...codes: RunnerErrorCode[]): error is RunnerError {
  return error instanceof RunnerError && (codes.length === 0 || codes.includes(error.code));
}

/**
 * The runner's edge for core decisions: findings with errors become one RunnerError whose code is
 * the first error's, whose message joins the errors' messages (after `context`, e.g. the plugin),
 * and whose details carry every error finding.
 */
export function refusalError(
  findings: readonly Finding[],
  details: Record<string, unknown> = {},
  context?: string,
): RunnerError {
  const errors = findings.filter((f) => f.severity === "error");
  const first = errors[0];
  if (!first) throw new TypeError("refusalError needs at least one error finding");
  const text = errors.map((f) => f.message).join("; ");
  return new RunnerError(first.code, context ? `${context}: ${text}` : text, {
    ...details,
    findings: errors,
  });
}

/** A FetchError from the network port as the runner's error (same code and details); anything else as is. */
export function fromFetchError(error: unknown): unknown {
  if (!(error instanceof FetchError)) return error;
  return new RunnerError(error.code, error.message, error.details, { cause: error });
}
