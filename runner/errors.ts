import { RegistryError } from "../core/errors.ts";
import type { Finding, FindingCode } from "../core/findings.types.ts";
import { FetchError } from "../core/net/fetcher.types.ts";

/**
 * Every error code the runner raises, documented in docs/runner.md: its own, and the code of any
 * finding a core decision refuses with (the same code the gate gives for the same problem). The spec's codes where one
 * fits (PLUGIN_NOT_FOUND, DOWNLOAD_FAILED, CHECKSUM_MISMATCH, SIGNATURE_VERIFICATION_FAILED,
 * EXTRACTION_FAILED, PERMISSIONS_ERROR, SYSTEM_REQUIREMENTS_NOT_MET, DEPENDENCY_NOT_FOUND,
 * DISCOVERY_SOURCE_UNREACHABLE); the rest are ours.
 */
export type RunnerErrorCode =
  | FindingCode
  | "PLUGIN_NOT_FOUND"
  | "VERSION_NOT_FOUND"
  | "NOT_INSTALLED"
  | "DOWNLOAD_FAILED"
  | "INSECURE_URL"
  | "CHECKSUM_MISMATCH"
  | "SIGNATURE_VERIFICATION_FAILED"
  | "SECURITY_POLICY_VIOLATION"
  | "EXTRACTION_FAILED"
  | "PERMISSIONS_ERROR"
  | "SYSTEM_REQUIREMENTS_NOT_MET"
  | "SPEC_VERSION_INCOMPATIBLE"
  | "DEPENDENCY_NOT_FOUND"
  | "DEPENDENCY_CONFLICT"
  | "DEPENDENCY_CYCLE"
  | "INVALID_CONSTRAINT"
  | "DISCOVERY_SOURCE_UNREACHABLE"
  | "REGISTRY_DOCUMENT_INVALID"
  | "OFFLINE_CACHE_MISS"
  | "INSTALL_LOCKED"
  | "INSTALL_FAILED"
  | "UNSUPPORTED_INSTALLATION_METHOD"
  | "DOWNGRADE_REFUSED"
  | "UPDATE_NEEDS_CONFIRMATION"
  | "PLUGIN_HAS_DEPENDENTS"
  | "SCRIPT_FAILED"
  | "CONFIG_INVALID"
  | "USAGE";

/** A runner failure: a stable code, a message for people and details for `--format json`. */
export class RunnerError extends RegistryError<RunnerErrorCode> {
  readonly details: Record<string, unknown>;
  constructor(
    code: RunnerErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "RunnerError";
    this.details = details;
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
