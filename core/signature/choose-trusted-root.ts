import type { Finding, Result } from "../findings.types.ts";
import { parseTrustedRoot, type TrustedRootData, trustedRootFromBytes } from "./trusted-root.ts";

/** A trusted root as one party has it: parsed JSON, the file's bytes, or known to be missing. */
export type TrustedRootCandidate =
  | { json: unknown; file: string }
  | { bytes: Uint8Array; file: string }
  | { missing: Finding };

/**
 * Which Sigstore trusted root verifies bundles, decided once for the gate, the runner and
 * `verify`: the one the user gave explicitly (the Action's `sigstore-trusted-root` input, the
 * runner's `--registry-config`, `verify --trusted-root`), else the registry's own (config.json's
 * `sigstore_trusted_root`, read from the base commit at the gate, from the discovery document at
 * install), else Sigstore public good through the injected port (TUF, falling back to the copy
 * shipped with @sigstore/tuf). A named root that is missing or invalid is a finding, never a
 * silent fallback to another root.
 */
export async function chooseTrustedRoot(
  candidates: { explicit?: TrustedRootCandidate | undefined; registry?: TrustedRootCandidate | undefined },
  publicGood: () => Promise<Result<TrustedRootData>>,
): Promise<Result<TrustedRootData>> {
  const chosen = candidates.explicit ?? candidates.registry;
  if (!chosen) return publicGood();
  if ("missing" in chosen) return { findings: [chosen.missing] };
  return "bytes" in chosen
    ? trustedRootFromBytes(chosen.bytes, chosen.file)
    : parseTrustedRoot(chosen.json, chosen.file);
}
