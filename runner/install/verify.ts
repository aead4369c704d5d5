import type { Manifest } from "../../core/manifest.types.ts";
import type { Signers } from "../../core/registry.types.ts";
import {
  parseTrustedRoot,
  publicGoodTrustedRoot,
  type TrustedRootData,
} from "../../core/signature/trusted-root.ts";
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
  /** The registry's official signers: an `official` plugin must be signed by one of them. */
  officialSigners?: Signers;
  /** The registry's Sigstore trusted root (JSON); default the public-good root. */
  trustedRoot?: unknown;
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
    let rootData: TrustedRootData | undefined;
    if (input.bundle !== undefined && input.trustedRoot !== undefined) {
      const parsed = parseTrustedRoot(input.trustedRoot, `${name} registry trusted root`);
      if (!parsed.value) {
        throw new RunnerError(
          "SIGNATURE_VERIFICATION_FAILED",
          `The registry's Sigstore trusted root is invalid`,
          {
            findings: parsed.findings,
          },
        );
      }
      rootData = parsed.value;
    } else if (input.bundle !== undefined) {
      root ??= trustedRoot();
      rootData = await root;
    }
    const result = verifyRelease({
      manifest,
      manifestFile: file,
      entry: { name, owners: [], repository: "", signers: input.signers },
      config: {
        name: "",
        base_url: "",
        spec_version: "",
        maintainers: [],
        official_signers: input.officialSigners ?? {},
      },
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
