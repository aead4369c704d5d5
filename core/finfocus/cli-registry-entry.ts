/**
 * What the FinFocus CLI accepts in a registry index entry (`registry.json`), restated from its
 * registry loader (`ValidateRegistryEntry` and the Go struct it decodes into; the commits checked
 * are named in docs/finfocus.md). The generator writes only entries these rules accept, the gate
 * warns about repositories they refuse, and the tests hold `registry.json` to them.
 */
import type { SecurityLevel } from "../manifest.types.ts";

/** `owner/repo` as the CLI parses it: letters, digits, `_` and `-` only (no dots). */
export const CLI_REPOSITORY = /^[a-zA-Z0-9_-]+\/[a-zA-Z0-9_-]+$/;

/** The security levels the CLI accepts; an empty or absent level is accepted too. */
export const CLI_SECURITY_LEVELS: ReadonlySet<string> = new Set(["official", "community", "experimental"]);

/**
 * Our level as the CLI's index says it, or undefined when no value both the CLI and upstream's
 * schema accept would be honest. The CLI knows `official`, `community` and `experimental`;
 * upstream's schema knows `untrusted`, `community`, `verified` and `official`. So `verified`
 * (signed by a signer the registry pinned, but not an official signer) becomes `community`, and
 * `untrusted` has no shared value: `experimental` fails the schema, and leaving the level out
 * reads as the default, `community`, which would overstate it.
 */
export function cliSecurityLevel(level: SecurityLevel): "official" | "community" | undefined {
  if (level === "official") return "official";
  if (level === "verified" || level === "community") return "community";
  return undefined;
}

/** Why the CLI cannot parse `repository`, or undefined when it can. */
export function cliRepositoryProblem(repository: string): string | undefined {
  if (repository === "") return "is empty";
  if (CLI_REPOSITORY.test(repository)) return undefined;
  return "is not owner/repo of letters, digits, '_' and '-' (the FinFocus CLI refuses '.' and other characters)";
}

const STRING_FIELDS = [
  "name",
  "description",
  "repository",
  "author",
  "license",
  "homepage",
  "security_level",
  "min_spec_version",
] as const;
const STRING_ARRAY_FIELDS = ["supported_providers", "capabilities"] as const;

/**
 * Every reason the CLI would refuse this decoded entry under key `key`: a Go JSON type mismatch
 * (the whole index then fails to load), or what `ValidateRegistryEntry` refuses (the install of
 * that plugin then stops). Each problem is `{ pointer, message }`, pointer relative to the entry.
 */
export function cliRegistryEntryProblems(
  key: string,
  value: unknown,
): { pointer: string; message: string }[] {
  const out: { pointer: string; message: string }[] = [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ pointer: "", message: "is not an object" }];
  }
  const entry = value as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    const v = entry[field];
    if (v !== undefined && v !== null && typeof v !== "string")
      out.push({ pointer: `/${field}`, message: "must be a string" });
  }
  for (const field of STRING_ARRAY_FIELDS) {
    const list = entry[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || list.some((item) => typeof item !== "string"))
      out.push({ pointer: `/${field}`, message: "must be an array of strings" });
  }
  const name = typeof entry.name === "string" ? entry.name : "";
  if (name === "") out.push({ pointer: "/name", message: "is required" });
  // Not a CLI check, but the CLI installs into a folder named by the key: they must agree.
  else if (name !== key) out.push({ pointer: "/name", message: `is '${name}' but the key is '${key}'` });
  const repository = typeof entry.repository === "string" ? entry.repository : "";
  const problem = cliRepositoryProblem(repository);
  if (problem) out.push({ pointer: "/repository", message: problem });
  const level = entry.security_level;
  if (typeof level === "string" && level !== "" && !CLI_SECURITY_LEVELS.has(level))
    out.push({
      pointer: "/security_level",
      message: `'${level}' is not official, community or experimental`,
    });
  return out;
}

/**
 * Every reason the CLI would refuse a whole index (`{ schema_version, plugins }`), with pointers
 * into the document: the shape its Go decoder needs, then each entry's problems.
 */
export function cliRegistryProblems(document: unknown): { pointer: string; message: string }[] {
  if (typeof document !== "object" || document === null || Array.isArray(document))
    return [{ pointer: "", message: "is not an object" }];
  const doc = document as Record<string, unknown>;
  const out: { pointer: string; message: string }[] = [];
  if (typeof doc.schema_version !== "string")
    out.push({ pointer: "/schema_version", message: "must be a string" });
  const plugins = doc.plugins;
  if (typeof plugins !== "object" || plugins === null || Array.isArray(plugins)) {
    out.push({ pointer: "/plugins", message: "must be an object" });
    return out;
  }
  for (const [key, entry] of Object.entries(plugins)) {
    const base = `/plugins/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    for (const p of cliRegistryEntryProblems(key, entry))
      out.push({ pointer: base + p.pointer, message: p.message });
  }
  return out;
}
