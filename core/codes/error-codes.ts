import type { CodeInfo } from "./codes.types.ts";

/**
 * The codes of errors: what ends an operation of the install runner, the generator, the Action or
 * the CLI, printed as the spec's error document `{code, message, details}` with `--format json`.
 * Spec codes where one fits (PLUGIN_NOT_FOUND, EXTRACTION_FAILED, PERMISSIONS_ERROR,
 * SYSTEM_REQUIREMENTS_NOT_MET, DISCOVERY_SOURCE_UNREACHABLE).
 */
export const ERROR_CODES = {
  // The install runner (runner/)
  PLUGIN_NOT_FOUND: {
    section: "runner",
    severity: "error",
    exit: 1,
    http: 404,
    meaning:
      "no discovery source has a plugin of that name (with `details.available_versions` when only the version is missing)",
  },
  VERSION_NOT_FOUND: {
    section: "runner",
    exit: 1,
    meaning: "the plugin exists, but not in the version asked for",
  },
  NOT_INSTALLED: { section: "runner", exit: 1, meaning: "the named plugin is not installed" },
  SECURITY_POLICY_VIOLATION: {
    section: "runner",
    severity: "error",
    exit: 1,
    meaning:
      "the security policy refuses the plugin: below `min_security_level` (`untrusted` included), unsigned under `require_signature`, or untrusted where it is not allowed; `--yes` does not override it",
  },
  PERMISSIONS_ERROR: {
    section: "runner",
    exit: 1,
    meaning:
      "an approval was not given: the plugin's permissions (`--allow-permissions`, `--yes`), an install script (`--allow-scripts`), or an untrusted plugin",
  },
  SYSTEM_REQUIREMENTS_NOT_MET: {
    section: "runner",
    severity: "error",
    exit: 1,
    meaning: "this machine does not meet the manifest's system requirements (OS, architecture, tools)",
  },
  UNSUPPORTED_INSTALLATION_METHOD: {
    section: "runner",
    severity: "error",
    exit: 1,
    meaning:
      "the plugin installs by a method this runner does not perform (a container image, a system package)",
  },
  EXTRACTION_FAILED: {
    section: "runner",
    exit: 1,
    meaning:
      "the archive is unreadable, or an entry was refused (a path leaving the folder, a link, a size cap)",
  },
  SCRIPT_FAILED: {
    section: "runner",
    exit: 1,
    meaning: "an install step approved with `--allow-scripts` failed or timed out",
  },
  DEPENDENCY_CONFLICT: {
    section: "runner",
    severity: "error",
    exit: 1,
    meaning: "plugins need versions of one dependency that no single version satisfies",
  },
  VERSION_YANKED: {
    section: "runner",
    severity: "warning",
    meaning: "a yanked version is installed because it was named exactly (with the yank's reason)",
  },
  PLUGIN_DEPRECATED: {
    section: "runner",
    severity: "warning",
    meaning: "the plugin is deprecated (with its message)",
  },
  DOWNGRADE_REFUSED: {
    section: "runner",
    exit: 1,
    meaning:
      "the version asked for, or one a dependency would move to, is older than the installed one: pass `--allow-downgrade`",
  },
  RESOLUTION_TOO_LARGE: {
    section: "runner",
    exit: 1,
    meaning:
      "one operation read more registry documents (count or bytes) than any real dependency closure needs: a registry feeding an endless chain is refused",
  },
  PLUGIN_HAS_DEPENDENTS: {
    section: "runner",
    exit: 1,
    meaning: "another installed plugin depends on the one to remove: remove it first or pass `--force`",
  },
  REGISTRY_DOCUMENT_INVALID: {
    section: "runner",
    severity: "error",
    exit: 1,
    meaning: "a document a discovery source served is not what the API promises (unsafe JSON, schema, names)",
  },
  PLUGIN_UNHEALTHY: {
    section: "runner",
    exit: 1,
    meaning:
      "the new version of a plugin that runs a service did not start and answer its health check: the update was rolled back",
  },
  CONTAINER_ENGINE_FAILED: {
    section: "runner",
    exit: 1,
    meaning:
      "the container engine (podman or docker) failed a step (pull, create, remove): its message says why; nothing of the install was kept",
  },
  IMAGE_DIGEST_MISMATCH: {
    section: "runner",
    exit: 1,
    meaning:
      "the container engine reports another digest for the pulled image than the one the manifest pins: refused, the image removed",
  },
  IMAGE_INVALID: {
    section: "runner",
    exit: 1,
    meaning:
      "a container image pulled by digest is not installable: not an index or manifest, no manifest for this platform, a layer not a gzip tar, over 128 layers, or past the download cap",
  },
  DISCOVERY_CONFIG_INVALID: {
    section: "runner",
    severity: "error",
    exit: 2,
    meaning:
      "the discovery configuration (`--config`) is not the spec's `registry_config`: each finding names the key's pointer (`/registry_config/discovery_sources/<index>/<key>`) and what to write instead",
  },
  DISCOVERY_SETTING_IGNORED: {
    section: "runner",
    severity: "warning",
    meaning:
      "a discovery setting that would weaken a check is accepted but not followed (`verify_signatures: false`: signatures are always verified)",
  },
  DISCOVERY_SOURCE_UNREACHABLE: {
    section: "runner",
    exit: 2,
    meaning: "a discovery source could not be read, or is not a FinFocus registry",
  },
  OFFLINE_CACHE_MISS: {
    section: "runner",
    exit: 2,
    meaning: "`--offline`, and what is needed is not in the cache",
  },
  INSTALL_FAILED: {
    section: "runner",
    exit: 2,
    meaning:
      "the plugin folder is not as this runner leaves it (an unreadable state file, a planted link, a journal naming foreign paths): nothing is followed; restore or remove it and retry",
  },
  INSTALL_LOCKED: {
    section: "runner",
    exit: 2,
    meaning: "another finfocus-registry process is installing into the same plugin folder",
  },
  SANDBOX_UNAVAILABLE: {
    section: "runner",
    exit: 1,
    meaning:
      "a sandbox is required and none works here (`details.missing`: what to install; see `doctor`), or its limiting cgroup cannot be made (`details.reason: cgroup`); nothing started",
  },
  PLUGIN_MODIFIED: {
    section: "runner",
    exit: 1,
    meaning:
      "the plugin's executable no longer has the digest recorded when it was installed: it is not started (reinstall it)",
  },
  TUF_VERIFICATION_FAILED: {
    section: "runner",
    exit: 1,
    meaning:
      "the registry's signed index (TUF) or a document it signs was refused (rollback, freeze, bad signature, mixed builds, wrong length or hash, endless data); `details.reason` names the check",
  },
  TUF_REQUIRED: {
    section: "runner",
    exit: 1,
    meaning:
      "TUF is required (the policy switch, or a root pinned earlier for this registry) but the registry publishes no TUF metadata",
  },
  // The generator, the site and `serve` (generator/, site/)
  TUF_KEY_INVALID: {
    section: "build",
    exit: 2,
    meaning:
      "a TUF key file or variable is not an ed25519 private key (PEM), or a role's threshold is impossible",
  },
  TUF_KEY_MISSING: {
    section: "build",
    exit: 2,
    meaning:
      "fewer of a role's keys are at hand than its threshold (keys folder or `FINFOCUS_TUF_<ROLE>_KEY`): nothing is signed",
  },
  TUF_METADATA_INVALID: {
    section: "build",
    exit: 2,
    meaning:
      "the TUF keys folder or a built site's metadata is not usable (a missing or unreadable root version, no metadata to re-sign)",
  },
  UNSAFE_OUTPUT_PATH: {
    section: "build",
    exit: 2,
    meaning:
      "refused to write outside the output folder: a path that leaves it, or a symbolic link or special file below it where a folder or file goes (remove the link)",
  },
  UNSAFE_PATH_SEGMENT: {
    section: "build",
    exit: 2,
    meaning: "refused a name or version as part of an output path (a separator, `..`, a control character)",
  },
  DUPLICATE_OUTPUT: {
    section: "build",
    exit: 2,
    meaning: "two outputs of one build would be written to the same path",
  },
  NOT_FOUND: {
    section: "build",
    http: 404,
    meaning: "no API document at this path (the static `404.json`, and `serve`'s answer)",
  },
  // Every adapter
  USAGE: {
    section: "general",
    exit: 2,
    meaning:
      "the command line (an unknown or malformed option, a missing argument), an Action input or its workflow, or a config file is not usable: see `--help`",
  },
  IO_ERROR: {
    section: "general",
    exit: 2,
    meaning: "the file system refused an operation (permissions, disk full, a path that vanished)",
  },
  EVENT_INVALID: {
    section: "general",
    exit: 2,
    meaning: "the GitHub event payload lacks what the gate needs (commit SHAs, the author's numeric id)",
  },
  GIT_FAILED: {
    section: "general",
    exit: 2,
    meaning: "git failed while reading the repository (the gate reads commits with git)",
  },
  CHANGES_INCOMPLETE: {
    section: "general",
    exit: 2,
    meaning:
      "the REST API could not list the pull request's files whole (3,000 files or more, a page lost, the head moved): the gate gives no verdict on part of a pull request; check out with `fetch-depth: 0`",
  },
  REGISTRY_NOT_IN_COMMIT: {
    section: "general",
    exit: 2,
    meaning:
      "the registry folder is not a folder in the commit read (`--rev`, default HEAD): commit it, or pass `--worktree` to read the files on disk",
  },
  UNKNOWN_REVISION: {
    section: "general",
    exit: 2,
    meaning: "`--rev` (or the pushed commit) names no commit in the registry's repository",
  },
  NOT_A_GIT_WORK_TREE: {
    section: "general",
    exit: 2,
    meaning:
      "`--rev` was given for a registry folder that is not inside a git work tree: drop it to read the files",
  },
  NODE_TOO_OLD: {
    section: "general",
    exit: 2,
    meaning:
      "the command needs a module built into a newer Node than the one running (`daemon` and `health --watch` need node:sqlite, Node 22.5 and newer)",
  },
  INTERNAL_ERROR: {
    section: "general",
    exit: 2,
    meaning: "a bug in finfocus-registry: please report it with the command you ran",
  },
} as const satisfies Record<string, CodeInfo>;
