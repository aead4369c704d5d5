import { passes } from "../../core/findings.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { imageDigestRequirement } from "../../core/policy/artifact-requirements.ts";
import { installability, missingPermissions } from "../../core/policy/installable.ts";
import type { SystemInfo } from "../../core/policy/system.ts";
import { unmetRequirements } from "../../core/policy/system.ts";
import { decidePolicy } from "../../core/policy/trust-policy.ts";
import type { RunnerContext } from "../context.ts";
import { RunnerError, refusalError } from "../errors.ts";
import type { ResolvedPick } from "../resolve/resolve.ts";
import { assertSandboxForInstall } from "../sandbox/install-check.ts";
import { cacheArtifact, downloadArtifact } from "./download.ts";
import { pinnedDocument, pullImage } from "./pull-image.ts";
import type { VerifyOutcome } from "./verify.ts";

/** One plugin of the closure, downloaded and verified, ready to be placed. */
export interface Prepared {
  pick: ResolvedPick;
  manifest: Manifest;
  /** The verified artifact; for a container, the document its pinned digest names. */
  bytes: Uint8Array;
  url: string;
  outcome: VerifyOutcome;
  /** A container's layers (gzip tars), each checked against its digest in `bytes`, extracted in order. */
  layers?: Uint8Array[];
  /** A container the engine pulls and creates at placement (`bytes` is its pinned document). */
  engine?: true;
}

/**
 * Everything decided before a plugin is placed, each by core, in order: the manifest as the gate
 * judges it, the host's system requirements, whether this runner installs that method, the
 * permissions it asks for, the artifact's checksum and signatures (downloaded into memory), the
 * security policy. A refusal is a RunnerError with the finding's code.
 */
export async function prepare(
  context: RunnerContext,
  pick: ResolvedPick,
  system: SystemInfo,
  warn: (...warnings: string[]) => void,
  granted: readonly string[] = [],
): Promise<Prepared> {
  const { name, version } = pick;
  const label = `${name}@${version}`;
  if (!pick.source || !pick.info)
    throw new RunnerError("PLUGIN_NOT_FOUND", `${name} has no source`, { name });
  const judged = await pick.source.manifest(name, version);
  if (!judged.value || !passes(judged.findings))
    throw refusalError(judged.findings, { name, version }, label);
  const manifest = judged.value;
  const digest = imageDigestRequirement(manifest, label);
  if (digest.length > 0) throw refusalError(digest, { name, version }, label);
  const unmet = unmetRequirements(manifest, system, label);
  if (unmet.length > 0) {
    throw refusalError(unmet, { name, version, unmet: unmet.map((f) => f.message) }, label);
  }
  const installable = installability(
    manifest,
    { allowScripts: context.allowScripts, containers: context.oci !== undefined },
    label,
  );
  if (installable.findings.length > 0) {
    throw refusalError(
      installable.findings,
      { name, version, method: manifest.installation.installation_method },
      label,
    );
  }
  if (installable.needsScripts) {
    throw new RunnerError("PERMISSIONS_ERROR", `${label} installs with a script: pass --allow-scripts`, {
      name,
    });
  }
  assertSandboxForInstall(manifest);
  await approvePermissions(context, manifest, granted);
  const bundle = await pick.source.bundle(name, version);
  const published = (await pick.source.trust?.()) ?? {};
  const given = context.trust ?? {};
  const officialSigners = given.officialSigners ?? published.officialSigners;
  const trustedCas = given.trustedCas ?? published.trustedCas;
  const image = await pullContainer(context, manifest, system);
  let { url, bytes, fromCache } = image ?? (await downloadArtifact(context, manifest));
  const verify = (artifact: Uint8Array) =>
    context.verifier({
      name,
      version,
      bytes: artifact,
      manifest,
      signers: pick.info!.signers,
      ...(officialSigners ? { officialSigners } : {}),
      ...(trustedCas ? { trustedCas } : {}),
      trustedRoots: {
        ...(given.trustedRoot !== undefined ? { explicit: given.trustedRoot } : {}),
        ...(published.trustedRoot !== undefined ? { registry: published.trustedRoot } : {}),
        additional: [...(given.additionalTrustedRoots ?? []), ...(published.additionalTrustedRoots ?? [])],
      },
      bundle,
    });
  let outcome: VerifyOutcome;
  try {
    outcome = await verify(bytes);
  } catch (error) {
    // A cached copy that no longer verifies is fetched again (online); the download must verify.
    if (!fromCache || context.offline) throw error;
    ({ url, bytes, fromCache } = await downloadArtifact(context, manifest, { skipCache: true }));
    outcome = await verify(bytes);
  }
  if (!image) await cacheArtifact(context, manifest, bytes);
  const level = manifest.security?.security_level ?? "untrusted";
  const policy = { ...context.policy, ...pick.source.policy };
  const decision = decidePolicy(name, level, outcome.signature, policy);
  if (decision.kind === "refuse") throw refusalError(decision.findings, { name, version, policy }, label);
  if (decision.kind === "ask" && !context.yes) {
    const ok = await context.approve?.({ kind: "untrusted", plugin: name, question: decision.question });
    if (!ok)
      throw new RunnerError("PERMISSIONS_ERROR", `${name} is untrusted and was not approved`, { name });
  }
  const scripts = [
    ...(manifest.installation.pre_install_checks ?? []),
    ...(manifest.installation.post_install_steps ?? []),
  ];
  if (scripts.length > 0 && !context.allowScripts) {
    warn(`${name}: ${scripts.length} install step(s) not run (pass --allow-scripts to run them)`);
  }
  return {
    pick,
    manifest,
    bytes,
    url,
    outcome,
    ...(image?.layers ? { layers: image.layers } : {}),
    ...(image?.engine ? { engine: true as const } : {}),
  };
}

/**
 * A container image, pulled by the digest `download_url` pins, every document and layer checked
 * against its digest (runner/install/pull-image.ts); the document the pinned digest names is the
 * artifact that the checksum and signatures are verified against. Undefined for other methods.
 */
async function pullContainer(
  context: RunnerContext,
  manifest: Manifest,
  system: SystemInfo,
): Promise<
  { url: string; bytes: Uint8Array; fromCache: false; layers?: Uint8Array[]; engine?: true } | undefined
> {
  const reference = manifest.installation.download_url ?? "";
  if (manifest.installation.installation_method !== "container" || !context.oci) return undefined;
  if (context.offline) {
    throw new RunnerError(
      "OFFLINE_CACHE_MISS",
      `--offline: container images are pulled from their registry`,
      {
        reference,
      },
    );
  }
  // With an engine, only the pinned document comes through the OCI client (it is what the
  // checksum and signatures cover); the engine pulls the image by that digest at placement.
  if (context.containerEngine)
    return {
      url: reference,
      bytes: await pinnedDocument(context.oci, reference),
      fromCache: false,
      engine: true,
    };
  const pulled = await pullImage(context.oci, reference, system, context.maxDownloadBytes);
  return { url: reference, bytes: pulled.pinned, fromCache: false, layers: pulled.layers };
}

/**
 * Permissions the manifest asks for beyond those approved up front and those already granted to
 * the installed version of this plugin (`granted`: an update that asks for nothing new needs no
 * approval), approved by the user or refused.
 */
async function approvePermissions(
  context: RunnerContext,
  manifest: Manifest,
  granted: readonly string[],
): Promise<void> {
  const missing = missingPermissions(manifest, [...context.allowPermissions, ...granted]);
  if (missing.length === 0 || context.yes) return;
  const name = manifest.metadata.name;
  const ok = await context.approve?.({
    kind: "permissions",
    plugin: name,
    question: `${name} asks for: ${missing.join(", ")}. Allow?`,
    permissions: missing,
  });
  if (!ok) {
    throw new RunnerError(
      "PERMISSIONS_ERROR",
      `${name} needs permissions that were not approved: ${missing.join(", ")} (use --allow-permissions or --yes)`,
      { name, permissions: missing },
    );
  }
}
