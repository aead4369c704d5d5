import { type CODES, type Code, codeInfo, isCode } from "./codes.ts";

/** The standard gRPC status names the daemon answers with (google.rpc.Code). */
export type GrpcStatusName =
  | "CANCELLED"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "PERMISSION_DENIED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "UNAVAILABLE"
  | "INTERNAL";

/**
 * The gRPC status of every error code: the specification's mapping (NOT_FOUND, INVALID_ARGUMENT,
 * FAILED_PRECONDITION, PERMISSION_DENIED, UNAVAILABLE) plus ABORTED (a lock another process holds:
 * retry) and INTERNAL. The error document `{code, message, details}` travels with the status, so a
 * client that needs the precise reason reads the code there. A new error code must be placed here
 * (the type requires it), and docs/daemon.md's table is generated from this map.
 */
export const GRPC_STATUS_OF_ERROR = {
  VERSION_NOT_FOUND: "NOT_FOUND",
  NOT_INSTALLED: "NOT_FOUND",
  PERMISSIONS_ERROR: "PERMISSION_DENIED",
  EXTRACTION_FAILED: "FAILED_PRECONDITION",
  SCRIPT_FAILED: "FAILED_PRECONDITION",
  DOWNGRADE_REFUSED: "FAILED_PRECONDITION",
  RESOLUTION_TOO_LARGE: "FAILED_PRECONDITION",
  PLUGIN_HAS_DEPENDENTS: "FAILED_PRECONDITION",
  DISCOVERY_SOURCE_UNREACHABLE: "UNAVAILABLE",
  OFFLINE_CACHE_MISS: "UNAVAILABLE",
  INSTALL_FAILED: "FAILED_PRECONDITION",
  INSTALL_LOCKED: "ABORTED",
  UNSAFE_OUTPUT_PATH: "INTERNAL",
  UNSAFE_PATH_SEGMENT: "INTERNAL",
  DUPLICATE_OUTPUT: "INTERNAL",
  USAGE: "INVALID_ARGUMENT",
  IO_ERROR: "INTERNAL",
  EVENT_INVALID: "INTERNAL",
  GIT_FAILED: "UNAVAILABLE",
  INTERNAL_ERROR: "INTERNAL",
  IMAGE_INVALID: "FAILED_PRECONDITION",
  PLUGIN_UNHEALTHY: "FAILED_PRECONDITION",
  CONTAINER_ENGINE_FAILED: "FAILED_PRECONDITION",
  IMAGE_DIGEST_MISMATCH: "FAILED_PRECONDITION",
  SANDBOX_UNAVAILABLE: "FAILED_PRECONDITION",
  PLUGIN_MODIFIED: "FAILED_PRECONDITION",
  TUF_VERIFICATION_FAILED: "FAILED_PRECONDITION",
  TUF_REQUIRED: "FAILED_PRECONDITION",
  TUF_KEY_INVALID: "INVALID_ARGUMENT",
  TUF_KEY_MISSING: "INVALID_ARGUMENT",
  TUF_METADATA_INVALID: "INVALID_ARGUMENT",
  CHANGES_INCOMPLETE: "UNAVAILABLE",
  REGISTRY_NOT_IN_COMMIT: "INVALID_ARGUMENT",
  UNKNOWN_REVISION: "INVALID_ARGUMENT",
  NOT_A_GIT_WORK_TREE: "INVALID_ARGUMENT",
  NODE_TOO_OLD: "FAILED_PRECONDITION",
} as const satisfies Record<PlainErrorCode, GrpcStatusName>;

type Catalogue = typeof CODES;
/** Codes that are only errors (an exit status, no severity): each needs its own status above. */
type PlainErrorCode = {
  [K in Code]: Catalogue[K] extends { exit: number }
    ? Catalogue[K] extends { severity: string }
      ? never
      : K
    : never;
}[Code];

/** Finding codes raised as errors whose status is not FAILED_PRECONDITION. */
const FINDING_EXCEPTIONS: Partial<Record<Code, GrpcStatusName>> = {
  REGISTRY_DOCUMENT_INVALID: "FAILED_PRECONDITION",
  DEPENDENCY_CONFLICT: "FAILED_PRECONDITION",
  UNSUPPORTED_INSTALLATION_METHOD: "FAILED_PRECONDITION",
  SYSTEM_REQUIREMENTS_NOT_MET: "FAILED_PRECONDITION",
  SECURITY_POLICY_VIOLATION: "PERMISSION_DENIED",
  PLUGIN_NOT_FOUND: "NOT_FOUND",
  DOWNLOAD_FAILED: "UNAVAILABLE",
  INVALID_CONSTRAINT: "INVALID_ARGUMENT",
  DEPENDENCY_NOT_FOUND: "NOT_FOUND",
  CONFIG_VALUE_INVALID: "INVALID_ARGUMENT",
  FILE_UNREADABLE: "INTERNAL",
};

/**
 * The gRPC status for an error of this code: the map above; a finding raised as an error (a
 * checksum, a signature, an insecure URL) is FAILED_PRECONDITION unless listed as an exception;
 * anything outside the catalogue is INTERNAL.
 */
export function grpcStatusOf(code: unknown): GrpcStatusName {
  if (!isCode(code)) return "INTERNAL";
  if (Object.hasOwn(GRPC_STATUS_OF_ERROR, code))
    return GRPC_STATUS_OF_ERROR[code as keyof typeof GRPC_STATUS_OF_ERROR];
  const exception = FINDING_EXCEPTIONS[code];
  if (exception) return exception;
  return codeInfo(code).severity ? "FAILED_PRECONDITION" : "INTERNAL";
}
