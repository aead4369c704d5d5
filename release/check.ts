import type { Finding } from "../core/findings.types.ts";
import { trustedRootFor } from "../core/gate/trusted-root.ts";
import { bundleFile, CONFIG_FILE, entryFile, versionFile } from "../core/registry/layout.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import type { SignatureKind, Signer } from "../core/signature/signature.types.ts";
import { publicGoodTrustedRoot } from "../core/signature/trusted-root.ts";
import { verifyRelease } from "../core/signature/verify-release.ts";
import { validateEntry, validateRegistryConfig } from "../core/validate/validate-documents.ts";
import { validateRegistryFiles } from "../core/validate/validate-files.ts";
import { validateManifest } from "../core/validate/validate-manifest.ts";
import { tufTrustedRootFetcher } from "../net/sigstore-tuf.ts";
import { overlaySource } from "./registry-source.ts";

/** The files a release adds to the registry, registry-relative. */
export interface Proposal {
  name: string;
  version: string;
  manifest: Uint8Array;
  bundle?: Uint8Array;
  /** entry.json for a plugin's first version. */
  entry?: Uint8Array;
}

/** What the registry's gate will say, said before the pull request is opened. */
export interface CheckResult {
  /** Registry-relative paths: what the pull request writes. */
  files: Map<string, Uint8Array>;
  findings: Finding[];
  signature: SignatureKind;
  signer?: Signer;
}

/** Where trust data comes from, as in the gate. */
export interface TrustOptions {
  trustedRootPath?: string;
  tufCachePath: string;
  now: Date;
}

/** The files of a proposal, by registry-relative path. */
export function proposalFiles(p: Proposal): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([[versionFile(p.name, p.version), p.manifest]]);
  if (p.bundle) files.set(bundleFile(p.name, p.version), p.bundle);
  if (p.entry) files.set(entryFile(p.name), p.entry);
  return files;
}

/**
 * Judges a release with core/, as the registry's gate will: the new files validated in registry
 * context (the registry as the pull request makes it), then the artifact's checksum and signature
 * against the signer pins of the registry's entry.json (or, for a first version, the proposed one)
 * and the trusted root the gate uses. A version the registry already has is VERSION_EXISTS.
 */
export async function checkProposal(
  base: RegistrySource,
  proposal: Proposal,
  artifact: Uint8Array,
  trust: TrustOptions,
): Promise<CheckResult> {
  const files = proposalFiles(proposal);
  const manifestRel = versionFile(proposal.name, proposal.version);
  const findings: Finding[] = [];
  const result: CheckResult = { files, findings, signature: "none" };
  if (await base.readFile(manifestRel)) {
    findings.push({
      code: "VERSION_EXISTS",
      severity: "error",
      message: `${proposal.name} ${proposal.version} is already in the registry; published versions never change: release a new version.`,
      file: manifestRel,
      pointer: "/metadata/version",
    });
    return result;
  }
  // A manifest the schema refuses is judged alone: its name or version cannot place it in the registry.
  const alone = validateManifest(proposal.manifest, manifestRel);
  if (!alone.value) {
    findings.push(...alone.findings);
    return result;
  }
  const head = overlaySource(base, files);
  findings.push(...(await validateRegistryFiles(head, [...files.keys()])).findings);
  const configBytes = await base.readFile(CONFIG_FILE);
  const config = configBytes ? validateRegistryConfig(configBytes, CONFIG_FILE).value : undefined;
  const pinsBytes = (await base.readFile(entryFile(proposal.name))) ?? proposal.entry;
  const entry = pinsBytes ? validateEntry(pinsBytes, entryFile(proposal.name)).value : undefined;
  // Without the registry's config or the plugin's entry, nothing can be verified: say so, as the
  // gate would refuse the pull request (never a silent pass that opens it).
  if (!config)
    findings.push({
      code: "CONFIG_INVALID",
      severity: "error",
      message: `the registry has no valid ${CONFIG_FILE} at this path: check the registry-path input (the folder that holds config.json and plugins/)`,
      file: CONFIG_FILE,
      pointer: "",
    });
  if (!entry)
    findings.push({
      code: "ENTRY_INVALID",
      severity: "error",
      message: `${proposal.name} has no entry.json in the registry and the release brings none: a plugin's first version needs its entry (.finfocus/entry.json in the plugin's repository, with its owners and repository)`,
      file: entryFile(proposal.name),
      pointer: "",
    });
  if (!config || !entry) return result;
  const input = {
    manifest: alone.value,
    manifestFile: manifestRel,
    entry,
    config,
    artifact,
    now: trust.now,
  };
  if (proposal.bundle) {
    const root = await trustedRootFor(trust.trustedRootPath, config, base, () =>
      publicGoodTrustedRoot(tufTrustedRootFetcher({ cachePath: trust.tufCachePath })),
    );
    findings.push(...root.findings);
    if (!root.value) return result;
    Object.assign(input, {
      bundle: proposal.bundle,
      bundleFile: bundleFile(proposal.name, proposal.version),
      trustedRoot: root.value,
    });
  }
  const verified = verifyRelease(input);
  findings.push(...verified.findings);
  result.signature = verified.signature;
  if (verified.signer) result.signer = verified.signer;
  return result;
}
