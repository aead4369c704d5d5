/** How serious a finding is: errors fail a check, warnings fail it only where asked to. */
export type Severity = "error" | "warning" | "info";

/** The headings of the code catalogue, in the order docs/findings.md lists them. */
export type CodeSection =
  | "json"
  | "schema"
  | "rules"
  | "registry"
  | "governance"
  | "artifact"
  | "runner"
  | "health"
  | "build"
  | "general";

/**
 * One code of the catalogue. What a code may be is given by which fields it has:
 * - `severity`: it is reported as a finding (`{ code, severity, message, file, pointer }`), with
 *   this default severity; a finding of severity error makes a check fail (exit status 1);
 * - `exit`: it is raised as an error (`RegistryError` and its subclasses) and a command it ends
 *   exits with this status: 1 refused or a check failed, 2 usage, network or I/O (a finding an
 *   adapter raises as an error without an `exit` here is a refusal: 1);
 * - `http`: it is the `code` of an API error document (`{code, message, details}`) served with
 *   this HTTP status.
 */
export interface CodeInfo {
  section: CodeSection;
  severity?: Severity;
  exit?: 1 | 2;
  http?: 404;
  /** One line for people: what happened and, where it helps, what to do. */
  meaning: string;
}
