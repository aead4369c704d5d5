import * as core from "@actions/core";
import type { Finding } from "../core/findings.types.ts";
import type { SignatureKind, Signer } from "../core/signature/signature.types.ts";

/** What one run did, for the outputs, the job summary and the pull request's body. */
export interface ReleaseReport {
  name: string;
  version: string;
  releaseUrl: string;
  artifact: { name: string; downloadUrl: string; checksum: string };
  signature: SignatureKind;
  signer?: Signer;
  findings: Finding[];
  /** Where the manifest (and bundle) were written, on the runner. */
  manifestPath: string;
  bundlePath?: string;
  pullRequest?: { number: number; url: string; action: "created" | "updated" };
}

/** True when no finding is an error: the pull request may be opened. */
export const isValid = (findings: readonly Finding[]): boolean =>
  !findings.some((f) => f.severity === "error");

function signerText(report: ReleaseReport): string {
  const s = report.signer;
  if (!s) return report.signature === "none" ? "not signed" : report.signature;
  return s.kind === "sigstore"
    ? `Sigstore: ${s.identity} (${s.issuer})`
    : `key ${s.fingerprint} (${s.algorithm})`;
}

/** Findings as compiler-style lines inside a fence no line can close: author text stays inert. */
function findingsBlock(findings: readonly Finding[]): string {
  const lines = findings.map((f) => {
    const at = [f.file, f.line, f.column].filter((x) => x !== undefined).join(":");
    return `${at} ${f.severity} ${f.code}${f.pointer ? ` ${f.pointer}` : ""}: ${f.message}`;
  });
  const text = lines.join("\n");
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

/** An inline code span whose content cannot end it. */
const literal = (text: string): string => `\`${text.replace(/[`\r\n]/g, " ")}\``;

/** The release's facts as a markdown list (each value checked by core or read from the API). */
function facts(report: ReleaseReport): string[] {
  return [
    `- release: ${report.releaseUrl}`,
    `- artifact: ${report.artifact.downloadUrl}`,
    `- sha256: \`${report.artifact.checksum}\``,
    `- signature: ${signerText(report)}`,
  ];
}

/** The pull request's body: facts the registry's reviewers need, each checked before it was written. */
export function pullRequestBody(report: ReleaseReport): string {
  return [
    `Adds ${literal(report.name)} ${literal(report.version)}, opened by the FinFocus release Action.`,
    "",
    ...facts(report),
    "",
    report.signature === "none"
      ? "The manifest was validated and the artifact's checksum verified (it is not signed) with the registry's own core before this pull request was opened; the registry's gate checks it again."
      : "The manifest was validated, and the artifact's checksum and signature verified, with the registry's own core before this pull request was opened; the registry's gate checks it again.",
  ].join("\n");
}

/** Annotations, outputs and the job summary. */
export async function publishReport(report: ReleaseReport): Promise<void> {
  for (const f of report.findings) {
    const props = {
      title: f.pointer ? `${f.code} at ${f.pointer}` : f.code,
      file: f.file,
      ...(f.line !== undefined ? { startLine: f.line } : {}),
      ...(f.column !== undefined ? { startColumn: f.column } : {}),
    };
    if (f.severity === "error") core.error(f.message, props);
    else if (f.severity === "warning") core.warning(f.message, props);
    else core.notice(f.message, props);
  }
  const valid = isValid(report.findings);
  core.setOutput("valid", String(valid));
  core.setOutput("findings", JSON.stringify(report.findings));
  core.setOutput("manifest", report.manifestPath);
  core.setOutput("bundle", report.bundlePath ?? "");
  core.setOutput("checksum", `sha256:${report.artifact.checksum}`);
  core.setOutput("download-url", report.artifact.downloadUrl);
  core.setOutput("signer", report.signer ? signerText(report) : "");
  core.setOutput("pull-request-number", report.pullRequest ? String(report.pullRequest.number) : "");
  core.setOutput("pull-request-url", report.pullRequest?.url ?? "");
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const pr = report.pullRequest;
  const status = pr
    ? `Pull request ${pr.action}: ${pr.url}`
    : valid
      ? "Checked; no pull request was opened (dry run)."
      : "Refused: nothing was uploaded and no pull request was opened. Fix the findings below.";
  await core.summary
    .addHeading(
      `FinFocus release of ${report.name || "a plugin"} ${report.version}: ${valid ? "ready" : "refused"}`,
      2,
    )
    .addRaw([...facts(report), "", status, "", ""].join("\n"))
    .addRaw(report.findings.length > 0 ? findingsBlock(report.findings) : "No findings.", true)
    .write();
}
