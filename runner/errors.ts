import type { ErrorCode } from "../core/codes/codes.ts";
import { RegistryError } from "../core/errors.ts";

/**
 * The codes a runner error may carry: the catalogue's error codes (core/codes/, documented in
 * docs/findings.md with their exit statuses). The spec's codes where one fits.
 */
export type RunnerErrorCode = ErrorCode;

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
