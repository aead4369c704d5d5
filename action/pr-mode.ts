import { append } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { registryFile } from "../core/governance/classify.ts";
import { checkGovernance } from "../core/governance/rules.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import type { RegistryConfig } from "../core/registry.types.ts";
import { validateRegistryFiles } from "../core/validate/validate-files.ts";
import { artifactContext, downloadAndVerify } from "./artifacts.ts";
import { pullRequestChanges } from "./diff.ts";
import type { Fetcher } from "./download.ts";
import type { PullRequestEvent } from "./event.ts";
import { type Gathered, gather } from "./gather.ts";
import { type GitObjectReader, gitBatch } from "./git-batch.ts";
import type { GitHubApi } from "./github.ts";
import type { Settings } from "./inputs.ts";
import { withPositions } from "./positions.ts";
import { apiRegistrySource } from "./registry-api.ts";
import { gitRegistrySource } from "./registry-git.ts";
import type { GateReport, VersionReport } from "./report/report.types.ts";
import { trustedRootFor } from "./trusted-root.ts";

/** Ports a check may be given instead of the real ones (tests, the benchmark). */
export interface Ports {
  fetcher?: Fetcher;
  now?: () => Date;
}

/** Orders findings by file, position and code, so reports are stable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

/** True when no finding reaches the fail-on severity. */
export function isValid(findings: readonly Finding[], failOn: "error" | "warning"): boolean {
  return !findings.some((f) => f.severity === "error" || (failOn === "warning" && f.severity === "warning"));
}

function sources(
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
  reader: GitObjectReader,
  local: boolean,
): { base: RegistrySource; head: RegistrySource } {
  if (local || !api) {
    return {
      base: gitRegistrySource(reader, event.baseSha, settings.registryPath),
      head: gitRegistrySource(reader, event.headSha, settings.registryPath),
    };
  }
  return {
    base: apiRegistrySource(api, event.baseSha, settings.registryPath),
    head: apiRegistrySource(api, event.headSha, settings.registryPath),
  };
}

async function verifyNewArtifacts(
  gathered: Gathered,
  settings: Settings,
  base: RegistrySource,
  head: RegistrySource,
  ports: Ports,
): Promise<{ findings: Finding[]; rows: Map<string, VersionReport["artifact"]> }> {
  const rows = new Map<string, VersionReport["artifact"]>();
  const findings: Finding[] = [];
  const jobs = gathered.newVersions.filter((v) => v.manifest && v.entry);
  if (!settings.verifyArtifacts || jobs.length === 0) return { findings, rows };
  const ctx = artifactContext(settings, gathered.config, head, ports);
  if (jobs.some((j) => j.bundleFile)) {
    const root = await trustedRootFor(
      settings.sigstoreTrustedRoot,
      gathered.config,
      base,
      settings.tufCachePath,
    );
    append(findings, root.findings);
    if (root.value !== undefined) ctx.trustedRoot = root.value;
  }
  for (const job of jobs) {
    const result = await downloadAndVerify(
      {
        plugin: job.plugin,
        version: job.version,
        file: job.file,
        manifest: job.manifest!,
        entry: job.entry!,
        ...(job.bundleFile ? { bundleFile: job.bundleFile } : {}),
      },
      ctx,
    );
    append(findings, result.findings);
    rows.set(job.file, result.row);
  }
  return { findings, rows };
}

/**
 * Pull-request mode: diff base...head, read both commits as data, run validation in registry
 * context (the head tree is base + PR), the governance rules (with governance data from the
 * base), and verify each new version's artifact.
 */
export async function checkPullRequest(
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
  ports: Ports = {},
): Promise<GateReport> {
  const reader = gitBatch(settings.workspace);
  try {
    return await check(settings, event, api, ports, reader);
  } finally {
    reader.close();
  }
}

async function check(
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
  ports: Ports,
  reader: GitObjectReader,
): Promise<GateReport> {
  const local = Boolean(
    (await reader.read(`${event.baseSha}^{commit}`)) && (await reader.read(`${event.headSha}^{commit}`)),
  );
  const { changes, from } = await pullRequestChanges(
    settings.workspace,
    event.baseSha,
    event.headSha,
    api,
    event.number,
    local,
  );
  const { base, head } = sources(settings, event, api, reader, local);
  const gathered = await gather(settings.registryPath, event.author, changes, base, head);
  const validation = (await validateRegistryFiles(head, gathered.toValidate)).findings.map((f) => ({
    ...f,
    file: registryFile(settings.registryPath, f.file),
  }));
  const governance = checkGovernance(gathered.ctx);
  const artifacts = await verifyNewArtifacts(gathered, settings, base, head, ports);
  const findings = sortFindings(
    await withPositions([...validation, ...governance, ...artifacts.findings], settings.registryPath, [
      head,
      base,
    ]),
  );
  const versions: VersionReport[] = gathered.newVersions.map((v) => {
    const artifact = artifacts.rows.get(v.file);
    return {
      plugin: v.plugin,
      version: v.version,
      file: registryFile(settings.registryPath, v.file),
      ...(artifact ? { artifact } : {}),
    };
  });
  return {
    mode: "pull_request",
    valid: isValid(findings, settings.failOn),
    failOn: settings.failOn,
    findings,
    versions,
    changedPlugins: gathered.ctx.plugins.map((p) => p.name),
    prNumber: event.number,
    sha: event.headSha,
    changesFrom: from,
  };
}
