import { codeInfo } from "../codes/codes.ts";
import type { Finding, FindingCode } from "../findings.types.ts";
import { markdownCode, markdownTable, markdownText } from "../text/markdown.ts";
import type { ArtifactRow } from "./artifacts.ts";
import type { GateReport, VersionReport } from "./report.types.ts";
import type { Review } from "./review.ts";

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
    return `${markdownCode(`${signer.fingerprint.slice(0, 23)}…`)} (${markdownText(signer.algorithm)})`;
  // Code spans: an identity is a URL to read exactly, and GitHub links nothing inside one.
  return `${markdownCode(signer.identity)} (${markdownCode(signer.issuer)})`;
}

/** One version's findings by summary column, and whether any of them fails it. */
export function versionFindings(
  version: VersionReport,
  findings: readonly Finding[],
): { schema: Finding[]; rules: Finding[]; artifact: Finding[]; failed: boolean } {
  const pluginDir = version.file.replace(/versions\/[^/]+$/, "");
  const own = findings.filter(
    (f) => f.file === version.file || f.file === version.file.replace(/\.json$/, ".sigstore.json"),
  );
  const rules = findings.filter((f) => f.file.startsWith(pluginDir) && findingGroup(f.code) === "rules");
  const schema = own.filter((f) => findingGroup(f.code) === "schema");
  const artifact = own.filter((f) => findingGroup(f.code) === "artifact");
  const failed = [...schema, ...rules, ...artifact].some((f) => f.severity === "error");
  return { schema, rules, artifact, failed };
}

function row(version: VersionReport, findings: Finding[]): string[] {
  const { schema, rules, failed } = versionFindings(version, findings);
  return [
    markdownText(version.plugin),
    markdownText(version.version),
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
  return `${markdownCode(where)}${f.pointer ? ` ${markdownCode(f.pointer)}` : ""}`;
}

const list = (items: readonly string[]) => items.map((i) => markdownCode(i)).join(", ");

/** What changed against the previous versions and whether the change may merge by itself. */
function renderReview(review: Review): string[] {
  const lines: string[] = [];
  for (const v of review.versions) {
    const notes: string[] = [];
    if (v.permissions.added.length > 0) notes.push(`new permissions ${list(v.permissions.added)}`);
    if (v.permissions.removed.length > 0) notes.push(`drops permissions ${list(v.permissions.removed)}`);
    const { from, to } = v.securityLevel;
    if (v.previous && from !== to)
      notes.push(`security level ${markdownText(from ?? "?")} → ${markdownText(to ?? "?")}`);
    if (!v.previous) notes.push(`first version, security level ${markdownText(to ?? "?")}`);
    if (v.dependencies.added.length > 0) notes.push(`new dependencies ${list(v.dependencies.added)}`);
    if (v.dependencies.removed.length > 0) notes.push(`drops dependencies ${list(v.dependencies.removed)}`);
    if (v.dependencies.changed.length > 0) notes.push(`changed constraints ${list(v.dependencies.changed)}`);
    const against = v.previous ? ` (against ${markdownText(v.previous)})` : "";
    lines.push(
      `- ${markdownText(v.plugin)} ${markdownText(v.version)}${against}: ${notes.length > 0 ? notes.join("; ") : "no change in permissions, security level or dependencies"}`,
    );
  }
  for (const s of review.signers) {
    if (s.added.length > 0) lines.push(`- ${markdownText(s.plugin)}: **signers added** ${list(s.added)}`);
    if (s.removed.length > 0) lines.push(`- ${markdownText(s.plugin)}: signers removed ${list(s.removed)}`);
  }
  const verdict = review.autoMerge.eligible
    ? "🤖 **Eligible for auto-merge**: new versions only, verified against pinned signers, no new permissions, same security level."
    : `Not eligible for auto-merge: ${review.autoMerge.reasons.map((r) => markdownText(r)).join("; ")}.`;
  return ["### What changed", "", ...lines, ...(lines.length > 0 ? [""] : []), verdict, ""];
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
    report.mode === "full"
      ? `Full check of \`${report.sha.slice(0, 12)}\``
      : report.prNumber !== undefined
        ? `Pull request #${report.prNumber} at \`${report.sha.slice(0, 12)}\``
        : `Local check of \`${report.sha.slice(0, 12)}\``;
  const parts = [
    `## FinFocus registry gate`,
    "",
    `${verdict} ${scope}: ${errors} error(s), ${warnings} warning(s).`,
    "",
  ];
  if (report.versions.length > 0) {
    const header = ["plugin", "version", "schema", "rules", "checksum", "signature", "identity", "verdict"];
    parts.push(
      markdownTable(
        header,
        report.versions.map((v) => row(v, report.findings)),
      ),
      "",
    );
  }
  if (report.review) parts.push(...renderReview(report.review));
  if (report.findings.length > 0) {
    parts.push("### Findings", "");
    for (const f of report.findings) {
      const icon = f.severity === "error" ? "❌" : f.severity === "warning" ? "⚠️" : "ℹ️";
      parts.push(`- ${icon} **${f.code}** ${location(f)}: ${markdownText(f.message)}`);
    }
    parts.push("");
  }
  return parts.join("\n");
}
