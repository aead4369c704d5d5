import * as core from "@actions/core";
import { append, passes, sortFindings } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { standingApprovals } from "../core/governance/approvals.ts";
import { registryFile } from "../core/governance/classify.ts";
import { checkGovernance } from "../core/governance/rules.ts";
import type { Manifest } from "../core/manifest.types.ts";
import { checkLayout } from "../core/registry/check-layout.ts";
import { type GitBatch, gitBatch } from "../core/registry/git-batch.ts";
import { apiGitObjects } from "../core/registry/git-objects-api.ts";
import { gitSource } from "../core/registry/registry-git.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import { validateRegistryFiles } from "../core/validate/validate-files.ts";
import { trustedRootFor } from "../net/registry-trusted-root.ts";
import { artifactContext, downloadAndVerify } from "./artifacts.ts";
import { pullRequestChanges } from "./diff.ts";
import type { Fetcher } from "./download.ts";
import type { PullRequestEvent } from "./event.ts";
import { type Gathered, gather, layoutScope } from "./gather.ts";
import type { GitHubApi } from "./github.ts";
import type { Settings } from "./inputs.ts";
import { withPositions } from "./positions.ts";
import type { GateReport, VersionReport } from "./report/report.types.ts";

/** Ports a check may be given instead of the real ones (tests, the benchmark). */
export interface Ports {
  fetcher?: Fetcher;
  now?: () => Date;
}

/** Base and head as git sources: over the local object database, else over the REST git database API. */
function sources(
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
  reader: GitBatch,
  local: boolean,
): { base: RegistrySource; head: RegistrySource } {
  const objects = local || !api ? reader : apiGitObjects(api);
  return {
    base: gitSource(objects, event.baseSha, settings.registryPath),
    head: gitSource(objects, event.headSha, settings.registryPath),
  };
}

/**
 * The governance findings, with maintainer approvals counted when a rule asks for a maintainer:
 * the PR's reviews are read from the API only then, and a failure to read them counts none.
 */
async function governance(
  gathered: Gathered,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
): Promise<Finding[]> {
  const first = checkGovernance(gathered.ctx);
  if (!api || !first.some((f) => f.code === "MAINTAINER_REQUIRED" || f.code === "NAME_SIMILAR")) return first;
  try {
    const approvedBy = standingApprovals(await api.listReviews(event.number), event.headSha);
    if (approvedBy.length > 0)
      core.info(
        `Approvals on ${event.headSha.slice(0, 12)}: ${approvedBy.map((a) => `${a.login} (${a.id})`).join(", ")}`,
      );
    return checkGovernance({ ...gathered.ctx, approvedBy });
  } catch (error) {
    const status = (error as { status?: number }).status;
    core.warning(
      `The pull request's reviews could not be read (${status ? `HTTP ${status}` : (error as Error).message}): maintainer approvals are not counted.`,
    );
    return first;
  }
}

async function verifyNewArtifacts(
  gathered: Gathered,
  validated: ReadonlyMap<string, Manifest>,
  settings: Settings,
  base: RegistrySource,
  head: RegistrySource,
  ports: Ports,
): Promise<{ findings: Finding[]; rows: Map<string, VersionReport["artifact"]> }> {
  const rows = new Map<string, VersionReport["artifact"]>();
  const findings: Finding[] = [];
  // Only manifests that passed the schema have artifacts to check (the others are refused already).
  const jobs = gathered.newVersions
    .filter((v) => v.entry && validated.has(v.file))
    .map((v) => ({ ...v, manifest: validated.get(v.file) }));
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
  reader: GitBatch,
): Promise<GateReport> {
  const local = Boolean((await reader.commit(event.baseSha)) && (await reader.commit(event.headSha)));
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
  // The head's layout where the PR touches it: the registry root and the touched plugins.
  const layout = await checkLayout(head, layoutScope(settings.registryPath, changes, gathered.headConfig));
  const validated = await validateRegistryFiles(head, gathered.toValidate);
  const validation = [...layout.findings, ...validated.findings].map((f) => ({
    ...f,
    file: registryFile(settings.registryPath, f.file),
  }));
  const rules = await governance(gathered, event, api);
  const artifacts = await verifyNewArtifacts(gathered, validated.manifests, settings, base, head, ports);
  const findings = sortFindings(
    await withPositions([...validation, ...rules, ...artifacts.findings], settings.registryPath, [
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
    valid: passes(findings, settings.failOn),
    failOn: settings.failOn,
    findings,
    versions,
    changedPlugins: gathered.ctx.plugins.map((p) => p.name),
    prNumber: event.number,
    sha: event.headSha,
    changesFrom: from,
  };
}
