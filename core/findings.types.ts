/**
 * Findings are what every check in the registry produces: validation never throws, it returns
 * findings. The Action renders them as annotations, the CLI as compiler-style lines or JSON.
 */
export type Severity = "error" | "warning" | "info";

/**
 * Every finding code, documented in docs/findings.md. Spec codes (from the FinFocus Plugin
 * Registry Specification v0.1.0) are used where one fits; the rest are ours.
 */
export type FindingCode =
  // Loading JSON safely (core/json)
  | "JSON_TOO_LARGE"
  | "JSON_TOO_DEEP"
  | "JSON_SYNTAX"
  | "JSON_INVALID_UTF8"
  | "JSON_BOM"
  | "JSON_DUPLICATE_KEY"
  | "JSON_FORBIDDEN_KEY"
  | "FILE_UNREADABLE"
  // Schema stage
  | "MANIFEST_INVALID"
  | "ENTRY_INVALID"
  | "CONFIG_INVALID"
  // Semantic rules (core/rules)
  | "INVALID_VERSION"
  | "NAME_MISMATCH"
  | "VERSION_MISMATCH"
  | "CHECKSUM_FORMAT"
  | "WEAK_CHECKSUM"
  | "DOWNLOAD_REQUIRED"
  | "INSECURE_URL"
  | "SPEC_VERSION_INCOMPATIBLE"
  | "RESOURCE_PROVIDER_UNDECLARED"
  | "TIMESTAMP_ORDER"
  | "CONFIG_SCHEMA_INVALID"
  | "CONFIG_VALUE_INVALID"
  | "SIGNATURE_REQUIRED"
  | "UNSAFE_TEXT"
  | "INSTALL_SCRIPT_PRESENT"
  | "INVALID_CONSTRAINT"
  | "REPOSITORY_UNSUPPORTED"
  // Registry context
  | "DEPENDENCY_NOT_FOUND"
  | "DEPENDENCY_UNSATISFIABLE"
  | "DEPENDENCY_CYCLE"
  | "ORPHAN_FILE"
  // Governance, the pull-request gate (core/governance, action/)
  | "VERSION_IMMUTABLE"
  | "NOT_AN_OWNER"
  | "MAINTAINER_REQUIRED"
  | "OUTSIDE_REGISTRY"
  | "NAME_COLLISION"
  | "NAME_SIMILAR"
  | "TRUST_DOWNGRADE"
  | "VERSION_EXISTS"
  // Artifacts and signatures (core/signature)
  | "DOWNLOAD_FAILED"
  | "CHECKSUM_MISMATCH"
  | "IMAGE_DIGEST_REQUIRED"
  | "SIGNATURE_VERIFICATION_FAILED"
  | "BUNDLE_INVALID"
  | "SIGNER_NOT_PINNED"
  | "IDENTITY_MISMATCH"
  | "CERTIFICATE_CHAIN_INVALID"
  | "TRUSTED_ROOT_INVALID"
  | "TRUSTED_ROOT_OFFLINE";

/** One problem, at one place. `pointer` is an RFC 6901 JSON pointer ("" is the whole document). */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** Path as the user should see it: relative to the registry root or the working directory. */
  file: string;
  pointer: string;
  /** 1-based, when known. */
  line?: number;
  /** 1-based, when known. */
  column?: number;
}

/** What every validation returns: never throws on bad input. */
export interface Result<T> {
  value?: T;
  findings: Finding[];
}
