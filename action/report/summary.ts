import { codeInfo } from "../../core/codes/codes.ts";
import type { Finding, FindingCode } from "../../core/findings.types.ts";
import type { ArtifactRow } from "../artifacts.ts";
import { COMMENT_MARKER } from "../github.ts";
import { code, escapeMarkdown, table } from "./markdown.ts";
import type { GateReport, VersionReport } from "./report.types.ts";

/** Which summary column a finding belongs to, by its section in the code catalogue. */
export function findingGroup(code: FindingCode): "rules" | "artifact" | "schema" {
  const { section } = codeInfo(code);
  return section === "governance" ? "rules" : section === "artifact" ? "artifact" : "schema";
}

function cell(findings: Finding[]): string {
  if (findings.length === 0) return "✅ ok";
  const errors = findings.filter((f) => f.severity === "error");
  const codes = [...new Set(findings.map((f) => f.code))].join(", ");
  return `${errors.length > 0 ? "❌" : "⚠️"} ${codes}`;
}

function checksumCell(artifact: ArtifactRow | undefined): string {
  if (!artifact || artifact.checksum === "not checked") return "not checked";
  return artifact.checksum === "ok" ? "✅ ok" : `❌ ${artifact.checksum}`;
}

function signatureCell(artifact: ArtifactRow | undefined): string {
  if (!artifact) return "not checked";
  return artifact.signature === "none" ? "none" : artifact.signature === "key" ? "🔑 key" : "✍️ sigstore";
}

function identityCell(artifact: ArtifactRow | undefined): string {
  const signer = artifact?.signer;
  if (!signer) return "";
  if (signer.kind === "key")
    return `${code(`${signer.fingerprint.slice(0, 23)}…`)} (${escapeMarkdown(signer.algorithm)})`;
  return `${escapeMarkdown(signer.identity)} (${escapeMarkdown(signer.issuer)})`;
}

function row(version: VersionReport, findings: Finding[]): string[] {
  const pluginDir = version.file.replace(/versions\/[^/]+$/, "");
  const own = findings.filter(
    (f) => f.file === version.file || f.file === version.file.replace(/\.json$/, ".sigstore.json"),
  );
  const rules = findings.filter((f) => f.file.startsWith(pluginDir) && findingGroup(f.code) === "rules");
  const schema = own.filter((f) => findingGroup(f.code) === "schema");
  const artifact = own.filter((f) => findingGroup(f.code) === "artifact");
  const all = [...schema, ...rules, ...artifact];
  const failed = all.some((f) => f.severity === "error");
  return [
    escapeMarkdown(version.plugin),
    escapeMarkdown(version.version),
    cell(schema),
    cell(rules),
    checksumCell(version.artifact),
    signatureCell(version.artifact),
    identityCell(version.artifact),
    failed ? "❌ fail" : "✅ pass",
  ];
}

function location(f: Finding): string {
  const where = f.line ? `${f.file}:${f.line}${f.column ? `:${f.column}` : ""}` : f.file;
  return `${code(where)}${f.pointer ? ` ${code(f.pointer)}` : ""}`;
}

/**
 * The markdown report: the verdict, a table per plugin version (schema, rules, checksum,
 * signature, identity, verdict) and every finding. Used for the job summary, the `summary`
 * output and (with the marker) the sticky PR comment. All untrusted text is escaped.
 */
export function renderSummary(report: GateReport): string {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  const verdict = report.valid ? "✅ **The registry gate passed.**" : "❌ **The registry gate failed.**";
  const scope =
    report.mode === "pull_request"
      ? `Pull request #${report.prNumber ?? "?"} at \`${report.sha.slice(0, 12)}\``
      : `Full check of \`${report.sha.slice(0, 12)}\``;
  const parts = [
    `## FinFocus registry gate`,
    "",
    `${verdict} ${scope}: ${errors} error(s), ${warnings} warning(s).`,
    "",
  ];
  if (report.versions.length > 0) {
    const header = ["plugin", "version", "schema", "rules", "checksum", "signature", "identity", "verdict"];
    parts.push(
      table(
        header,
        report.versions.map((v) => row(v, report.findings)),
      ),
      "",
    );
  }
  if (report.findings.length > 0) {
    parts.push("### Findings", "");
    for (const f of report.findings) {
      const icon = f.severity === "error" ? "❌" : f.severity === "warning" ? "⚠️" : "ℹ️";
      parts.push(`- ${icon} **${f.code}** ${location(f)}: ${escapeMarkdown(f.message)}`);
    }
    parts.push("");
  }
  return parts.join("\n");
}

/** The sticky PR comment: the summary behind the hidden marker that finds it again. */
export function renderComment(report: GateReport): string {
  return `${COMMENT_MARKER}\n${renderSummary(report)}`;
}
