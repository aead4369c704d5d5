/**
 * The one catalogue of codes: every finding code, error code and API error code of the project,
 * each with what it is, its default severity or exit status, and a one-line meaning.
 * docs/findings.md is generated from it (scripts/generate-codes-doc.ts); a test checks that every
 * code is raised somewhere and that the doc is current. Add a code here, then raise it.
 */
import type { CodeInfo, CodeSection } from "./codes.types.ts";
import { ERROR_CODES } from "./error-codes.ts";
import { FINDING_CODES } from "./finding-codes.ts";
import { HEALTH_CODES } from "./health-codes.ts";

export type { CodeInfo, CodeSection, Severity } from "./codes.types.ts";

/** Every code. A code has one meaning wherever it appears. */
export const CODES = { ...FINDING_CODES, ...ERROR_CODES, ...HEALTH_CODES } as const satisfies Record<
  string,
  CodeInfo
>;

type Catalogue = typeof CODES;
export type Code = keyof Catalogue;
/** Codes that may be reported as findings (they have a default severity). */
export type FindingCode = { [K in Code]: Catalogue[K] extends { severity: string } ? K : never }[Code];
/** Codes that may be raised as errors (they have an exit status). */
export type ErrorCode = { [K in Code]: Catalogue[K] extends { exit: number } ? K : never }[Code];
/** Codes of the API's error documents (they have an HTTP status). */
export type ApiErrorCode = { [K in Code]: Catalogue[K] extends { http: number } ? K : never }[Code];

/** The headings of docs/findings.md, in order, with a line of introduction each. */
export const SECTIONS: readonly { id: CodeSection; title: string; intro: string }[] = [
  { id: "json", title: "Loading JSON", intro: "Every file, before anything else (`core/json/`)." },
  { id: "schema", title: "Schema stage", intro: "The JSON Schemas in `schemas/`." },
  { id: "rules", title: "Semantic rules", intro: "`core/rules/`, one rule per file." },
  { id: "registry", title: "Registry context", intro: "A manifest among the registry's other files." },
  {
    id: "governance",
    title: "Pull-request gate and governance",
    intro: "Who may change what (`core/governance/`), checked by the Action.",
  },
  {
    id: "artifact",
    title: "Artifacts and signatures",
    intro: "Downloads, checksums and signatures (`core/signature/`): the gate, `verify` and `install`.",
  },
  {
    id: "runner",
    title: "Install runner",
    intro: "Errors that end `search`, `info`, `install`, `update`, `remove`, `list`, `config`, `health`.",
  },
  {
    id: "health",
    title: "Plugin health",
    intro:
      "Why a plugin is Warning, Critical or Unknown (`core/health/`): the daemon's `CheckPluginHealth`, `health --watch`.",
  },
  { id: "build", title: "Build and serve", intro: "The generator, the site and `serve`." },
  { id: "general", title: "Every command", intro: "The CLI, the Action and bugs." },
];

/** True when `code` is in the catalogue. */
export function isCode(code: unknown): code is Code {
  return typeof code === "string" && Object.hasOwn(CODES, code);
}

/** The catalogue's entry for a code. */
export function codeInfo(code: Code): CodeInfo {
  return CODES[code];
}

/**
 * The exit status of a command that ends with an error of this code: the catalogue's; 1 for a
 * finding raised as an error (a refusal: the check failed); 2 (usage, network or I/O) for
 * anything else and anything not in the catalogue.
 */
export function exitStatusOf(code: unknown): 1 | 2 {
  if (!isCode(code)) return 2;
  const info = codeInfo(code);
  return info.exit ?? (info.severity ? 1 : 2);
}
