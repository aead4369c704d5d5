import {
  ArchiveError,
  DEFAULT_EXTRACT_LIMITS,
  detectFormat,
  readTarEntries,
  readZipEntries,
} from "../archive/archive-entries.ts";
import type { Finding } from "../findings.types.ts";
import { archiveLayoutFindings } from "../finfocus/archive-layout.ts";
import { registryFile } from "../governance/classify.ts";
import type { Manifest } from "../manifest.types.ts";
import { downloadHost } from "../net/fetch-policy.ts";
import type { Fetcher } from "../net/fetcher.types.ts";
import { imageDigestRequirement } from "../policy/artifact-requirements.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import type { Entry, RegistryConfig } from "../registry.types.ts";
import type { SignatureKind, Signer } from "../signature/signature.types.ts";
import type { TrustedRootData } from "../signature/trusted-root.ts";
import { verifyRelease } from "../signature/verify-release.ts";
import { type DownloadPolicy, download } from "./download.ts";
import type { GateOptions } from "./gate.types.ts";

/** What the summary shows for one version's artifact. */
export interface ArtifactRow {
  checksum: "ok" | "mismatch" | "not checked" | "failed";
  signature: SignatureKind;
  signer?: Signer;
}

/** One version whose artifact is to be verified. */
export interface ArtifactJob {
  plugin: string;
  version: string;
  /** Registry-relative manifest path. */
  file: string;
  manifest: Manifest;
  entry: Entry;
  /** Registry-relative bundle path, when there is one. */
  bundleFile?: string;
}

export interface ArtifactContext {
  registryPath: string;
  config: RegistryConfig;
  /** Where bundles are read from (the PR's head, or the checked commit). */
  source: RegistrySource;
  policy: DownloadPolicy;
  trustedRoot?: TrustedRootData;
  fetcher: Fetcher;
  now: Date;
}

/**
 * The context both modes verify artifacts in: the download policy from the settings, the clock
 * and the fetcher from the ports. A registry without a valid config.json gets an empty one (its
 * findings are reported elsewhere).
 */
export function artifactContext(
  settings: Pick<
    GateOptions,
    "registryPath" | "maxDownloadBytes" | "downloadTimeoutMs" | "allowLoopbackHttp"
  >,
  config: RegistryConfig | undefined,
  source: RegistrySource,
  ports: { now?: () => Date; fetcher: Fetcher },
): ArtifactContext {
  return {
    registryPath: settings.registryPath,
    config: config ?? { name: "", base_url: "", spec_version: "", maintainers: [] },
    source,
    policy: {
      maxBytes: settings.maxDownloadBytes,
      timeoutMs: settings.downloadTimeoutMs,
      allowLoopbackHttp: settings.allowLoopbackHttp,
    },
    now: ports.now?.() ?? new Date(),
    fetcher: ports.fetcher,
  };
}

/**
 * A container release: its reference must pin a digest. The gate pulls no image, so nothing is
 * checked against that digest here (the runner checks the pinned document, its checksum and
 * signatures at install): the summary says "not checked", never "ok".
 */
function containerCheck(job: ArtifactJob, file: string): { row: ArtifactRow; findings: Finding[] } {
  const findings = imageDigestRequirement(job.manifest, file);
  return { row: { checksum: findings.length === 0 ? "not checked" : "failed", signature: "none" }, findings };
}

/**
 * What the archive's layout means for an install (core/finfocus/archive-layout.ts). Only real
 * archives are read (by their magic bytes); one the gate cannot read is left to the checks that
 * judge its bytes, the runner refuses it at install.
 */
async function layoutFindings(
  bytes: Uint8Array,
  url: string,
  plugin: string,
  file: string,
): Promise<Finding[]> {
  try {
    const format = detectFormat(bytes, url);
    if (format === "binary") return [];
    const entries =
      format === "zip"
        ? await readZipEntries(bytes, DEFAULT_EXTRACT_LIMITS)
        : await readTarEntries(bytes, DEFAULT_EXTRACT_LIMITS);
    return archiveLayoutFindings(entries, plugin, file);
  } catch (error) {
    if (error instanceof ArchiveError) return [];
    throw error;
  }
}

/**
 * Downloads one version's artifact and verifies checksum and signatures through the core trust
 * policy. Container images are checked by digest format only (the gate pulls no images).
 */
export async function downloadAndVerify(
  job: ArtifactJob,
  ctx: ArtifactContext,
): Promise<{ row: ArtifactRow; findings: Finding[] }> {
  const file = registryFile(ctx.registryPath, job.file);
  const install = job.manifest.installation;
  if (install.installation_method === "container") return containerCheck(job, file);
  if (!install.download_url) return { row: { checksum: "not checked", signature: "none" }, findings: [] };
  const fetched = await download(install.download_url, ctx.policy, ctx.fetcher);
  if (!fetched.ok) {
    return {
      row: { checksum: "failed", signature: "none" },
      findings: [
        {
          code: "DOWNLOAD_FAILED",
          severity: "error",
          message: `The artifact of ${job.plugin} ${job.version} could not be downloaded from ${downloadHost(install.download_url)}: ${fetched.problem}.`,
          file,
          pointer: "/installation/download_url",
        },
      ],
    };
  }
  const bundleBytes = job.bundleFile ? await ctx.source.readFile(job.bundleFile) : undefined;
  const result = verifyRelease({
    manifest: job.manifest,
    manifestFile: file,
    entry: job.entry,
    config: ctx.config,
    artifact: fetched.bytes,
    ...(bundleBytes && job.bundleFile
      ? {
          bundle: new TextDecoder().decode(bundleBytes),
          bundleFile: registryFile(ctx.registryPath, job.bundleFile),
        }
      : {}),
    ...(ctx.trustedRoot !== undefined ? { trustedRoot: ctx.trustedRoot } : {}),
    now: ctx.now,
  });
  const mismatch = result.findings.some((f) => f.code === "CHECKSUM_MISMATCH");
  if (!mismatch)
    result.findings.push(...(await layoutFindings(fetched.bytes, install.download_url, job.plugin, file)));
  return {
    row: {
      checksum: install.checksum === undefined ? "not checked" : mismatch ? "mismatch" : "ok",
      signature: result.signature,
      ...(result.signer ? { signer: result.signer } : {}),
    },
    findings: result.findings,
  };
}
