import { RegistryError } from "../core/errors.ts";

/**
 * Every error code the runner raises, documented in docs/runner.md. The spec's codes where one
 * fits (PLUGIN_NOT_FOUND, DOWNLOAD_FAILED, CHECKSUM_MISMATCH, SIGNATURE_VERIFICATION_FAILED,
 * EXTRACTION_FAILED, PERMISSIONS_ERROR, SYSTEM_REQUIREMENTS_NOT_MET, DEPENDENCY_NOT_FOUND,
 * DISCOVERY_SOURCE_UNREACHABLE); the rest are ours.
 */
export type RunnerErrorCode =
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
