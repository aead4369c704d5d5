import * as core from "@actions/core";
import type { Finding } from "../../core/findings.types.ts";
import { actionsLogText } from "../../core/text/actions-log.ts";

/**
 * One annotation per finding, at the file, line and column when known (the finding's pointer
 * is part of the title). @actions/core escapes newlines in commands; the text is also made inert
 * for the log (no `::`, no `##[`, no escape sequences), as everything the Action prints is.
 */
export function annotate(findings: readonly Finding[]): void {
  for (const f of findings) {
    const properties: core.AnnotationProperties = {
      title: actionsLogText(f.pointer ? `${f.code} at ${f.pointer}` : f.code),
      file: actionsLogText(f.file),
      ...(f.line !== undefined ? { startLine: f.line } : {}),
      ...(f.column !== undefined ? { startColumn: f.column } : {}),
    };
    const message = actionsLogText(f.message);
    if (f.severity === "error") core.error(message, properties);
    else if (f.severity === "warning") core.warning(message, properties);
    else core.notice(message, properties);
  }
}
