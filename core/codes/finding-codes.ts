import type { CodeInfo } from "./codes.types.ts";

/**
 * The codes of findings: what `validate`, the pull-request gate, `build` and `verify` report about
 * registry files and artifacts. Some are also raised as errors by the install runner, which turns
 * a failed check into an error at its edge (those have an `exit`). Spec codes where one fits.
 */
export const FINDING_CODES = {
  // Loading JSON (core/json), every file before anything else
  JSON_TOO_LARGE: {
    section: "json",
    severity: "error",
    meaning: "larger than the cap (1 MiB for registry files), refused before decoding: keep manifests small",
  },
  JSON_TOO_DEEP: { section: "json", severity: "error", meaning: "nested deeper than 64 arrays/objects" },
  JSON_SYNTAX: {
    section: "json",
    severity: "error",
    meaning: "not JSON (comments and trailing commas are not JSON): fix the syntax at the position given",
  },
  JSON_INVALID_UTF8: { section: "json", severity: "error", meaning: "bytes that are not UTF-8" },
  JSON_LONE_SURROGATE: {
    section: "json",
    severity: "error",
    meaning:
      "a `\\u` escape names half of a UTF-16 surrogate pair, which is no character (RFC 7493): Go reads it as U+FFFD, JavaScript keeps it",
  },
  JSON_BOM: {
    section: "json",
    severity: "error",
    meaning:
      "starts with a UTF-8 byte-order mark, which RFC 8259 forbids and Go's encoding/json (the FinFocus CLI) rejects: save without BOM",
  },
  JSON_DUPLICATE_KEY: {
    section: "json",
    severity: "error",
    meaning: "a key twice in one object: parsers disagree on which wins, so one file could mean two things",
  },
  JSON_FORBIDDEN_KEY: {
    section: "json",
    severity: "error",
    meaning: "`__proto__`, `constructor` or `prototype` as a key (prototype pollution in clients)",
  },
  FILE_UNREADABLE: {
    section: "json",
    severity: "error",
    exit: 2,
    meaning:
      "a file named on the command line, in a config or a pull request is missing, no regular file or over its limit, or a listed manifest could not be read (changed during the load, its git object missing)",
  },
  FINDINGS_TRUNCATED: {
    section: "json",
    severity: "error",
    meaning:
      "a file produced more findings than the per-file cap (100); the rest are counted in this one, which carries their worst severity (error is the default shown here): fix the first ones and validate again",
  },
  // Schema stage (schemas/)
  MANIFEST_INVALID: {
    section: "schema",
    severity: "error",
    meaning: "the manifest does not follow `schemas/plugin-manifest.schema.json`; one finding per place",
  },
  ENTRY_INVALID: {
    section: "schema",
    severity: "error",
    meaning:
      "`entry.json` does not follow its schema, yanks a version never published, lists an owner twice, pins an unreadable key, or is missing",
  },
  CONFIG_INVALID: {
    section: "schema",
    severity: "error",
    meaning: "the registry's `config.json` does not follow `schemas/config.schema.json`, or is missing",
  },
  // Semantic rules (core/rules/, one rule per file)
  NAME_MISMATCH: {
    section: "rules",
    severity: "error",
    meaning: "`metadata.name` (or an entry's `name`) differs from its folder `plugins/<name>/`",
  },
  VERSION_MISMATCH: {
    section: "rules",
    severity: "error",
    meaning: "`metadata.version` differs from the file name `<version>.json`",
  },
  CHECKSUM_FORMAT: {
    section: "rules",
    severity: "error",
    meaning: "the checksum's length does not fit `checksum_algorithm` (sha256: 64, sha512: 128, md5: 32 hex)",
  },
  WEAK_CHECKSUM: {
    section: "rules",
    severity: "error",
    exit: 1,
    meaning:
      "md5 does not protect against tampering, and no client installs bytes checked with it: refused at every security level",
  },
  DOWNLOAD_REQUIRED: {
    section: "rules",
    severity: "error",
    meaning: "a `binary`, `package` or `script` install lacks `download_url` or `checksum`",
  },
  INSECURE_URL: {
    section: "rules",
    severity: "error",
    exit: 2,
    meaning:
      "a URL is not `https://` (no `javascript:`, no `user:password@`); plain http to 127.0.0.1, localhost or [::1] only where allowed",
  },
  INVALID_VERSION: {
    section: "rules",
    severity: "error",
    meaning:
      "`min_spec_version` above `spec_version` or `max_spec_version` below it; or a version file named with no canonical SemVer without build metadata (`1.0.0+x.json`)",
  },
  SPEC_VERSION_INCOMPATIBLE: {
    section: "rules",
    severity: "error",
    exit: 1,
    meaning:
      "the plugin does not support the spec version the registry serves or the host speaks: from `min_spec_version` (else `spec_version`) up to `max_spec_version` (else the next breaking one)",
  },
  RESOURCE_PROVIDER_UNDECLARED: {
    section: "rules",
    severity: "error",
    meaning: "`supported_resources` names a provider missing from `supported_providers`",
  },
  TIMESTAMP_ORDER: { section: "rules", severity: "error", meaning: "`updated_at` is before `created_at`" },
  CONFIG_SCHEMA_INVALID: {
    section: "rules",
    severity: "error",
    meaning:
      "`configuration.schema`, `default_config` or an example is not JSON, the schema does not compile, or a `required_fields` entry is not one of its properties",
  },
  CONFIG_VALUE_INVALID: {
    section: "rules",
    severity: "error",
    exit: 1,
    meaning:
      "a plugin configuration (`default_config`, an example, or values given to `config --set`) does not fit the plugin's `configuration.schema`",
  },
  CONFIG_SCHEMA_TOO_COMPLEX: {
    section: "rules",
    severity: "error",
    meaning:
      "`configuration.schema` is over a bound (SECURITY.md X2: a `$ref` recursing on one value, nesting, size), or checking a value with it spends the validation budget",
  },
  CONFIG_SCHEMA_UNSUPPORTED: {
    section: "rules",
    severity: "error",
    meaning:
      "`configuration.schema` uses what cannot be bounded: a `pattern` RE2 cannot run (backreferences, lookaround), `$dynamicRef`, a `$ref` outside it, an inner `$id`",
  },
  SIGNATURE_REQUIRED: {
    section: "rules",
    severity: "error",
    meaning:
      "`verified`/`official` without signature material: `security.signature` with `security.public_key`, or a `<version>.sigstore.json` bundle",
  },
  UNSAFE_TEXT: {
    section: "rules",
    severity: "error",
    meaning:
      "a string carries bidi overrides/isolates (Trojan Source), zero-width or other control characters",
  },
  INSTALL_SCRIPT_PRESENT: {
    section: "rules",
    severity: "warning",
    meaning:
      "`install_script`, `pre_install_checks` or `post_install_steps`: clients never run them without consent",
  },
  INVALID_CONSTRAINT: {
    section: "rules",
    severity: "error",
    exit: 1,
    meaning:
      "a version constraint outside the spec's syntax (`1.2.3`, `^`, `~`, `>=`, `>`, `<=`, `<`, comma-joined), or a dependency listed twice",
  },
  REPOSITORY_UNSUPPORTED: {
    section: "rules",
    severity: "warning",
    meaning:
      "an entry's `repository` is not owner/repo of letters, digits, `_` and `-`: the FinFocus CLI cannot parse it, so `registry.json` leaves the plugin out",
  },
  // Registry context
  DEPENDENCY_NOT_FOUND: {
    section: "registry",
    severity: "error",
    exit: 1,
    meaning: "a dependency is not in the registry (a warning when `optional`)",
  },
  DEPENDENCY_UNSATISFIABLE: {
    section: "registry",
    severity: "error",
    exit: 1,
    meaning:
      "no published version satisfies the constraint under the rules clients resolve with: not yanked, no prerelease unless the constraint names one (a warning when `optional`)",
  },
  DEPENDENCY_CYCLE: {
    section: "registry",
    severity: "error",
    meaning: "a plugin depends on itself, or required dependencies of latest versions form a cycle",
  },
  ORPHAN_FILE: {
    section: "registry",
    severity: "error",
    meaning: "a Sigstore bundle without its manifest",
  },
  // The registry's layout (core/registry/check-layout.ts), judged in the gate, on push, in `validate` and `build`
  LAYOUT_NOT_REGULAR: {
    section: "registry",
    severity: "error",
    meaning:
      "a symbolic link, a submodule (gitlink), an executable file (in git) or a special file where the layout expects a regular file or a folder (or the registry folder is not one): commit the file itself",
  },
  LAYOUT_UNEXPECTED: {
    section: "registry",
    severity: "error",
    meaning:
      "an entry the layout does not name: a stray file or folder, a folder named like a file (`1.0.0.json/`), `.gitattributes`, `.gitmodules`, a plugin folder not named like a plugin",
  },
  LAYOUT_CASE_CONFLICT: {
    section: "registry",
    severity: "error",
    meaning:
      "two names in one folder that differ only in case or Unicode normalization (`1.0.0-RC.1.json`, `1.0.0-rc.1.json`): a case-insensitive checkout keeps one",
  },
  // The pull-request gate and governance (core/governance, action/)
  VERSION_IMMUTABLE: {
    section: "governance",
    severity: "error",
    meaning:
      "a merged `versions/*.json` (or its bundle) was changed or deleted, or a bundle added to a published version (by SemVer precedence): yank through `entry.json`",
  },
  VERSION_EXISTS: {
    section: "governance",
    severity: "error",
    meaning:
      "a new version equals a published one (or another in the pull request) in SemVer precedence, e.g. `1.0.0+x` beside `1.0.0`; the release Action checks it first",
  },
  ATTRIBUTES_FILE: {
    section: "governance",
    severity: "error",
    meaning:
      "the pull request adds or changes a `.gitattributes` in a folder above the registry: a checkout would convert registry files (eol, encoding, `ident`, filters)",
  },
  NOT_AN_OWNER: {
    section: "governance",
    severity: "error",
    meaning: "the pull request's author is not an owner (by GitHub id) of a plugin it touches",
  },
  MAINTAINER_REQUIRED: {
    section: "governance",
    severity: "error",
    meaning:
      "needs a maintainer (author, or approving review on the head): owners, repository, signer pins (also a new plugin's), a raised security level or a first one above `community`",
  },
  OUTSIDE_REGISTRY: {
    section: "governance",
    severity: "error",
    meaning:
      "the pull request touches files outside `registry/plugins/**` and its author is not a maintainer",
  },
  NAME_COLLISION: {
    section: "governance",
    severity: "error",
    meaning: "a new name equals an existing one after normalization (separators, look-alike characters)",
  },
  NAME_SIMILAR: {
    section: "governance",
    severity: "error",
    meaning:
      "a new name is one edit away from an existing one: a maintainer decides (as author, or by an approving review on the head commit)",
  },
  BASE_NOT_IN_HEAD: {
    section: "governance",
    severity: "error",
    meaning:
      "the pull request's branch does not contain its base commit, so merging would add changes the gate never saw: bring the branch up to date",
  },
  AUTHOR_UNKNOWN: {
    section: "governance",
    severity: "info",
    meaning:
      "a local `gate` run without `--author-id`: ownership (`NOT_AN_OWNER`) and maintainer authorship (`OUTSIDE_REGISTRY`) were not checked; pass your numeric GitHub id to check them",
  },
  TRUST_DOWNGRADE: {
    section: "governance",
    severity: "error",
    meaning: "a new version has a weaker signature kind or a lower security level than the previous one",
  },
  // Artifacts and signatures (core/signature)
  DOWNLOAD_FAILED: {
    section: "artifact",
    severity: "error",
    exit: 2,
    meaning: "an artifact or document could not be downloaded (status, timeout, size cap, refused redirect)",
  },
  CHECKSUM_MISMATCH: {
    section: "artifact",
    severity: "error",
    exit: 1,
    meaning: "the artifact's bytes do not match the manifest's checksum",
  },
  ARCHIVE_ONE_FOLDER: {
    section: "artifact",
    severity: "warning",
    meaning:
      "every file of the artifact sits under one top-level folder: the FinFocus CLI expects `finfocus-plugin-<name>` at the archive's root (the runner unwraps the folder); build the archive from inside it",
  },
  IMAGE_DIGEST_REQUIRED: {
    section: "artifact",
    severity: "error",
    meaning: "a `container` install's image is not pinned by digest (`name@sha256:<64 hex>`)",
  },
  SIGNATURE_VERIFICATION_FAILED: {
    section: "artifact",
    severity: "error",
    exit: 1,
    meaning: "a key signature or Sigstore bundle does not verify over the artifact",
  },
  BUNDLE_INVALID: {
    section: "artifact",
    severity: "error",
    meaning:
      "a Sigstore bundle is not a bundle: unknown media type, missing parts, or a root certificate in its chain",
  },
  SIGNER_NOT_PINNED: {
    section: "artifact",
    severity: "error",
    meaning:
      "the signature verifies, but with a key not pinned in `entry.json` (or, for `official`, in `config.json`)",
  },
  IDENTITY_MISMATCH: {
    section: "artifact",
    severity: "error",
    meaning: "a Sigstore bundle's certificate identity or issuer is not exactly a pinned one",
  },
  CERTIFICATE_CHAIN_INVALID: {
    section: "artifact",
    severity: "error",
    meaning:
      "a `certificate_chain` does not chain to a CA in `config.json` `trusted_cas`, or its leaf is not the signing key",
  },
  TRUSTED_ROOT_INVALID: {
    section: "artifact",
    severity: "error",
    meaning: "the Sigstore trusted root is malformed or unsafe (for example a log without a validity start)",
  },
  TRUSTED_ROOT_OFFLINE: {
    section: "artifact",
    severity: "warning",
    meaning:
      "the public-good trusted root could not be refreshed; the copy shipped with `@sigstore/tuf` was used",
  },
} as const satisfies Record<string, CodeInfo>;
