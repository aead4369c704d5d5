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
import { pinnedDocument } from "../oci/by-digest.ts";
import type { OciDistribution } from "../oci/oci.types.ts";
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
  /** Container registries, for the document a container release pins (absent: not fetched). */
  oci?: OciDistribution;
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
  ports: { now?: () => Date; fetcher: Fetcher; oci?: OciDistribution },
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
    ...(ports.oci ? { oci: ports.oci } : {}),
  };
}

/**
 * A container release: its reference must pin a digest, and the document that digest names (what
 * its checksum and signatures cover, as at install: runner/install/prepare.ts) is fetched from its
 * registry, checked against the digest, then verified like any artifact. The gate pulls no
 * layers: the runner checks each against the verified document. Without a registry to ask (no
 * `oci` port), the summary says "not checked", never "ok".
 */
async function containerCheck(
  job: ArtifactJob,
  file: string,
  ctx: ArtifactContext,
): Promise<{ row: ArtifactRow; findings: Finding[] }> {
  const findings = imageDigestRequirement(job.manifest, file);
  if (findings.length > 0) return { row: { checksum: "failed", signature: "none" }, findings };
  if (!ctx.oci) return { row: { checksum: "not checked", signature: "none" }, findings };
  const reference = job.manifest.installation.download_url ?? "";
  const pinned = await pinnedDocument(ctx.oci, reference);
  if (!pinned.ok) {
    const message =
      pinned.code === "CHECKSUM_MISMATCH"
        ? `The registry of ${job.plugin} ${job.version}'s image served a document for ${pinned.details.digest} whose bytes have another digest: the image cannot be verified.`
        : `The image of ${job.plugin} ${job.version} could not be fetched from ${downloadHost(`https://${pinned.image?.registry ?? ""}/`)}: ${pinned.message}. Push the image, or fix the digest in download_url.`;
    return {
      row: { checksum: pinned.code === "CHECKSUM_MISMATCH" ? "mismatch" : "failed", signature: "none" },
      findings: [
        {
          code: pinned.code === "CHECKSUM_MISMATCH" ? "CHECKSUM_MISMATCH" : "DOWNLOAD_FAILED",
          severity: "error",
          message,
          file,
          pointer: "/installation/download_url",
        },
      ],
    };
  }
  return verified(job, ctx, file, pinned.bytes);
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
 * policy; for a container release, the document its digest pins (containerCheck).
 */
export async function downloadAndVerify(
  job: ArtifactJob,
  ctx: ArtifactContext,
): Promise<{ row: ArtifactRow; findings: Finding[] }> {
  const file = registryFile(ctx.registryPath, job.file);
  const install = job.manifest.installation;
  if (install.installation_method === "container") return containerCheck(job, file, ctx);
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
  return verified(job, ctx, file, fetched.bytes, install.download_url);
}

/**
 * The artifact's bytes (for a container, the document its digest pins) verified through the core
 * trust policy: checksum, signatures, and, for an archive, its layout.
 */
async function verified(
  job: ArtifactJob,
  ctx: ArtifactContext,
  file: string,
  artifact: Uint8Array,
  archiveUrl?: string,
): Promise<{ row: ArtifactRow; findings: Finding[] }> {
  const install = job.manifest.installation;
  const bundleBytes = job.bundleFile ? await ctx.source.readFile(job.bundleFile) : undefined;
  const result = verifyRelease({
    manifest: job.manifest,
    manifestFile: file,
    entry: job.entry,
    config: ctx.config,
    artifact,
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
  if (!mismatch && archiveUrl !== undefined)
    result.findings.push(...(await layoutFindings(artifact, archiveUrl, job.plugin, file)));
  return {
    row: {
      checksum: install.checksum === undefined ? "not checked" : mismatch ? "mismatch" : "ok",
      signature: result.signature,
      ...(result.signer ? { signer: result.signer } : {}),
    },
    findings: result.findings,
  };
}
