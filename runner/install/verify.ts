import type { Finding } from "../../core/findings.types.ts";
import type { Manifest } from "../../core/manifest.types.ts";
import { checksumRequirements } from "../../core/policy/artifact-requirements.ts";
import type { Signers } from "../../core/registry.types.ts";
import { chooseTrustedRoot } from "../../core/signature/choose-trusted-root.ts";
import { publicGoodTrustedRoot, type TrustedRootData } from "../../core/signature/trusted-root.ts";
import { verifyRelease } from "../../core/signature/verify-release.ts";
import { RunnerError, refusalError } from "../errors.ts";

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
  /** The registry's trusted CAs: a manifest's certificate_chain must lead to one (config.json `trusted_cas`). */
  trustedCas?: string[];
  /** Sigstore trusted roots (JSON): the user's (`--registry-config`) and the registry's; default public good. */
  trustedRoots?: { explicit?: unknown; registry?: unknown; additional?: unknown[] };
}

export interface VerifyOutcome {
  signature: "none" | "key" | "sigstore";
}

/**
 * The verification port: throws CHECKSUM_MISMATCH, SIGNATURE_VERIFICATION_FAILED or another code of
 * core's trust policy (with the findings in details), or says which kind of signature verified.
 */
export type ArtifactVerifier = (input: VerifyInput) => Promise<VerifyOutcome>;

export interface ReleaseVerifierOptions {
  /** The public-good Sigstore trusted root; asked only when there is a bundle and no other root. */
  publicGood?: () => Promise<TrustedRootData | undefined>;
  now?: () => Date;
}

/**
 * The default verifier: a thin adapter over core's decisions, the same ones the pull-request gate
 * runs: the checksum requirement (a strong checksum, or nothing is installed), the trusted-root
 * choice, and the trust policy (`verifyRelease`) with the registry's pins, official signers and
 * trusted CAs.
 */
export function createReleaseVerifier(options: ReleaseVerifierOptions = {}): ArtifactVerifier {
  let publicRoot: Promise<TrustedRootData | undefined> | undefined;
  const publicGood = options.publicGood ?? (async () => (await publicGoodTrustedRoot()).value);
  return async (input) => {
    const { manifest, name, version } = input;
    const file = `${name}@${version}`;
    const required = checksumRequirements(manifest, file);
    if (required.length > 0) throw refusalError(required, { name, version }, file);
    let rootData: TrustedRootData | undefined;
    if (input.bundle !== undefined) {
      const roots = input.trustedRoots ?? {};
      const root = await chooseTrustedRoot(
        {
          ...(roots.explicit !== undefined
            ? { explicit: { json: roots.explicit, file: "--registry-config trusted root" } }
            : {}),
          ...(roots.registry !== undefined
            ? { registry: { json: roots.registry, file: `${name} registry trusted root` } }
            : {}),
          additional: (roots.additional ?? []).map((json, i) => ({
            json,
            file: `${name} registry additional trusted root ${i}`,
          })),
        },
        async () => {
          publicRoot ??= publicGood();
          const value = await publicRoot;
          return value ? { value, findings: [] } : { findings: [] };
        },
      );
      if (!root.value) {
        const findings: Finding[] = root.findings.length > 0 ? root.findings : [noRoot(file)];
        throw new RunnerError(
          "SIGNATURE_VERIFICATION_FAILED",
          "The registry's Sigstore trusted root is invalid",
          {
            findings,
          },
        );
      }
      rootData = root.value;
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
        trusted_cas: input.trustedCas ?? [],
      },
      artifact: input.bytes,
      ...(input.bundle !== undefined ? { bundle: input.bundle, bundleFile: `${file} bundle` } : {}),
      ...(rootData ? { trustedRoot: rootData } : {}),
      now: options.now?.() ?? new Date(),
    });
    if (!result.verified) throw refusalError(result.findings, { name, version }, file);
    return { signature: result.signature };
  };
}

function noRoot(file: string): Finding {
  return {
    code: "TRUSTED_ROOT_INVALID",
    severity: "error",
    message: "There is a Sigstore bundle but no trusted root to verify it with.",
    file,
    pointer: "",
  };
}
