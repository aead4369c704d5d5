import type { Manifest } from "../../core/manifest.types.ts";
import type { Signers } from "../../core/registry.types.ts";
import { publicGoodTrustedRoot, type TrustedRootData } from "../../core/signature/trusted-root.ts";
import { verifyRelease } from "../../core/signature/verify-release.ts";
import { RunnerError } from "../errors.ts";

export interface VerifyInput {
  name: string;
  version: string;
  /** The exact bytes that will be extracted. */
  bytes: Uint8Array;
  manifest: Manifest;
  /** Signers pinned by the registry for this plugin (its plugin document's `signers`). */
  signers: Signers;
  /** The version's Sigstore bundle, when the registry has one. */
  bundle: unknown;
}

export interface VerifyOutcome {
  signature: "none" | "key" | "sigstore";
}

/**
 * The verification port: throws CHECKSUM_MISMATCH or SIGNATURE_VERIFICATION_FAILED (with the
 * findings in details), or says which kind of signature verified.
 */
export type ArtifactVerifier = (input: VerifyInput) => Promise<VerifyOutcome>;

export interface ReleaseVerifierOptions {
  /** The Sigstore trusted root (a registry's own, or public good); asked only when there is a bundle. */
  trustedRoot?: () => Promise<TrustedRootData | undefined>;
  now?: () => Date;
}

/**
 * The default verifier: a thin adapter over core's trust policy (core/signature/verify-release.ts),
 * the same one the pull-request gate runs. The runner adds one rule of its own: it never installs
 * bytes without a sha256 or sha512 checksum to compare them with.
 */
export function createReleaseVerifier(options: ReleaseVerifierOptions = {}): ArtifactVerifier {
  let root: Promise<TrustedRootData | undefined> | undefined;
  const trustedRoot = options.trustedRoot ?? (async () => (await publicGoodTrustedRoot()).value);
  return async (input) => {
    const { manifest, name, version } = input;
    const file = `${name}@${version}`;
    const algorithm = manifest.installation.checksum_algorithm ?? "sha256";
    if (!manifest.installation.checksum || algorithm === "md5") {
      throw new RunnerError(
        "CHECKSUM_MISMATCH",
        `${file} has no sha256 or sha512 checksum: artifacts are never installed unchecked`,
        { name, version, reason: "missing or weak checksum" },
      );
    }
    if (input.bundle !== undefined) root ??= trustedRoot();
    const rootData = root ? await root : undefined;
    const result = verifyRelease({
      manifest,
      manifestFile: file,
      entry: { name, owners: [], repository: "", signers: input.signers },
      // The static API carries one signer list per plugin; official signers are the registry's
      // pins as published in that document.
      config: { name: "", base_url: "", spec_version: "", maintainers: [], official_signers: input.signers },
      artifact: input.bytes,
      ...(input.bundle !== undefined ? { bundle: input.bundle, bundleFile: `${file} bundle` } : {}),
      ...(rootData ? { trustedRoot: rootData } : {}),
      now: options.now?.() ?? new Date(),
    });
    if (!result.verified) {
      const errors = result.findings.filter((f) => f.severity === "error");
      const checksum = errors.some((f) => f.code === "CHECKSUM_MISMATCH");
      throw new RunnerError(
        checksum ? "CHECKSUM_MISMATCH" : "SIGNATURE_VERIFICATION_FAILED",
        `${file}: ${errors.map((f) => f.message).join(" ")}`,
        { name, version, findings: errors },
      );
    }
    return { signature: result.signature };
  };
}
