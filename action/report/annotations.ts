import * as core from "@actions/core";
import type { Finding } from "../../core/findings.types.ts";

/**
 * One annotation per finding, at the file, line and column when known (the finding's pointer
 * is part of the title). Messages are passed as data: @actions/core escapes the workflow
 * command syntax, so a finding quoting `::set-output` stays text.
 */
export function annotate(findings: readonly Finding[]): void {
  for (const f of findings) {
    const properties: core.AnnotationProperties = {
      title: f.pointer ? `${f.code} at ${f.pointer}` : f.code,
      file: f.file,
      ...(f.line !== undefined ? { startLine: f.line } : {}),
      ...(f.column !== undefined ? { startColumn: f.column } : {}),
    };
    if (f.severity === "error") core.error(f.message, properties);
    else if (f.severity === "warning") core.warning(f.message, properties);
    else core.notice(f.message, properties);
  }
}
