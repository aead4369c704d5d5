import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import * as core from "@actions/core";
import { RegistryError } from "../core/errors.ts";
import type { Finding } from "../core/findings.types.ts";
import { DEFAULT_MAX_BYTES, loadJson } from "../core/json/load-json.ts";
import { readLocalFile } from "../core/json/local-file.ts";
import { bundleFile, entryFile, versionFile } from "../core/registry/layout.ts";
import { obtainArtifact, sha256Hex } from "./artifact.ts";
import { checkProposal, type Proposal } from "./check.ts";
import { type Release, readRelease } from "./event.ts";
import { type GitHubApi, gitHubApi } from "./github.ts";
import { fillTemplate } from "./manifest.ts";
import { openOrUpdatePullRequest, releaseBranch } from "./pull-request.ts";
import { apiRegistrySource, inRepository } from "./registry-source.ts";
import { isValid, publishReport, pullRequestBody, type ReleaseReport } from "./report.ts";
import { type ReleaseSettings, readSettings } from "./settings.ts";
import { signArtifact } from "./sign.ts";

/** Reads a JSON file of the plugin repository through core's safe loader; findings name the file. */
async function readTemplate(
  path: string,
  workspace: string,
): Promise<{ value?: unknown; findings: Finding[] }> {
  const file = relative(workspace, path) || path;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readLocalFile(path, "template", DEFAULT_MAX_BYTES));
  } catch (error) {
    const message = !missing(error)
      ? `${(error as Error).message} (a template is a JSON file checked in to the plugin's repository)`
      : `The template ${file} does not exist in the plugin's repository: check it in (see docs/release-action.md), or set the input that names it.`;
    return { findings: [{ code: "FILE_UNREADABLE", severity: "error", message, file, pointer: "" }] };
  }
  const loaded = loadJson(bytes, { file });
  return loaded.value === undefined ? { findings: loaded.findings } : { value: loaded.value, findings: [] };
}

const missing = (error: unknown): boolean =>
  error instanceof RegistryError && error.details.reason === "missing";

async function writeOut(dir: string, rel: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** The whole release: artifact, checksum, signature, manifest, core's verdict, pull request. */
async function release(
  settings: ReleaseSettings,
  plugin: GitHubApi,
  registry: GitHubApi,
): Promise<ReleaseReport> {
  const event: Release = await readRelease((repo, tag) => plugin.releaseByTag(repo, tag));
  const baseBranch = settings.registryBranch ?? (await registry.defaultBranch(settings.registry));
  const baseSha = await registry.branchSha(settings.registry, baseBranch);
  if (!baseSha)
    throw new Error(
      `The registry ${settings.registry.owner}/${settings.registry.repo} has no branch ${baseBranch}.`,
    );
  const template = await readTemplate(settings.manifestTemplate, settings.workspace);
  const artifact = await obtainArtifact(settings, event, plugin);
  const checksum = sha256Hex(artifact.bytes);
  const empty = { name: "", version: event.version, releaseUrl: event.htmlUrl, signature: "none" as const };
  const base = { ...empty, artifact: { name: artifact.name, downloadUrl: artifact.downloadUrl, checksum } };
  if (template.value === undefined) return { ...base, findings: template.findings, manifestPath: "" };
  const signed = await signArtifact(artifact.bytes, settings);
  const text = fillTemplate(template.value, {
    version: event.version,
    tag: event.tag,
    downloadUrl: artifact.downloadUrl,
    checksum,
    ...(event.publishedAt ? { publishedAt: event.publishedAt } : {}),
    ...(signed.kind === "key"
      ? { keySignature: { signature: signed.signature, publicKey: signed.publicKey } }
      : {}),
  });
  // A name the schema refuses is reported by core; it never becomes a path.
  const claimed = (JSON.parse(text) as { metadata: { name?: unknown } }).metadata.name;
  const name = typeof claimed === "string" && /^[a-z0-9][a-z0-9-]{0,49}$/.test(claimed) ? claimed : "";
  const source = apiRegistrySource(registry, settings.registry, baseSha, settings.registryPath);
  const proposal: Proposal = {
    name: name || "invalid-name",
    version: event.version,
    manifest: new TextEncoder().encode(text),
  };
  if (signed.kind === "keyless") proposal.bundle = signed.bundle;
  if (name && !(await source.readFile(entryFile(name)))) {
    // No entry template is fine (the proposal's entry is then the one checkProposal asks for);
    // one that is there and cannot be read (no regular file, too large) fails the release.
    const entry = await readLocalFile(settings.entryTemplate, "entry template", DEFAULT_MAX_BYTES).catch(
      (error: unknown) => {
        if (missing(error)) return undefined;
        throw error;
      },
    );
    if (entry) proposal.entry = new Uint8Array(entry);
  }
  const check = await checkProposal(source, proposal, artifact.bytes, {
    ...(settings.sigstoreTrustedRoot ? { trustedRootPath: settings.sigstoreTrustedRoot } : {}),
    tufCachePath: settings.tufCachePath,
    now: new Date(),
  });
  const report: ReleaseReport = {
    ...base,
    name: proposal.name,
    signature: check.signature,
    ...(check.signer ? { signer: check.signer } : {}),
    findings: check.findings.map((f) => ({ ...f, file: inRepository(settings.registryPath, f.file) })),
    manifestPath: await writeOut(
      settings.outDir,
      versionFile(proposal.name, event.version),
      proposal.manifest,
    ),
  };
  if (proposal.bundle)
    report.bundlePath = await writeOut(
      settings.outDir,
      bundleFile(proposal.name, event.version),
      proposal.bundle,
    );
  if (!isValid(report.findings) || settings.dryRun) return report;
  if (artifact.upload) await plugin.uploadAsset(event.uploadUrl, artifact.name, artifact.bytes);
  report.pullRequest = await openOrUpdatePullRequest(registry, {
    registry: settings.registry,
    registryPath: settings.registryPath,
    base: { branch: baseBranch, sha: baseSha },
    pushTo: settings.pushTo,
    branch: releaseBranch(proposal.name, event.version),
    files: check.files,
    title: `${proposal.name} ${event.version}`,
    body: pullRequestBody(report),
  });
  return report;
}

/**
 * The release Action: read settings and the release event, do the release, report. The single
 * top-level catch turns an environment or usage problem into a failed step; findings never throw.
 */
export async function run(): Promise<void> {
  try {
    const settings = readSettings();
    const plugin = gitHubApi(settings.githubToken, settings.apiUrl);
    const registry = settings.registryToken ? gitHubApi(settings.registryToken, settings.apiUrl) : plugin;
    const report = await release(settings, plugin, registry);
    await publishReport(report);
    if (!isValid(report.findings)) {
      const errors = report.findings.filter((f) => f.severity === "error").length;
      core.setFailed(
        `The release was refused: ${errors} problem(s), see the annotations. Nothing was uploaded or opened.`,
      );
    } else if (report.pullRequest) {
      core.info(`Pull request ${report.pullRequest.action}: ${report.pullRequest.url}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(message);
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
