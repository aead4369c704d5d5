import type { Finding, Result } from "../findings.types.ts";
import {
  mergeTrustedRoots,
  parseTrustedRoot,
  type TrustedRootData,
  trustedRootFromBytes,
} from "./trusted-root.ts";

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
 * shipped with @sigstore/tuf). The registry's additional roots (config.json's
 * `sigstore_additional_trusted_roots`: private Sigstore instances) are trusted besides whichever
 * of those is chosen. A named root that is missing or invalid is a finding, never a silent
 * fallback to another root, and it fails the whole choice (no verification with part of the trust).
 */
export async function chooseTrustedRoot(
  candidates: {
    explicit?: TrustedRootCandidate | undefined;
    registry?: TrustedRootCandidate | undefined;
    additional?: readonly TrustedRootCandidate[] | undefined;
  },
  publicGood: () => Promise<Result<TrustedRootData>>,
): Promise<Result<TrustedRootData>> {
  const chosen = candidates.explicit ?? candidates.registry;
  const base = chosen ? parseCandidate(chosen) : await publicGood();
  const more = (candidates.additional ?? []).map(parseCandidate);
  const findings = [base, ...more].flatMap((r) => r.findings);
  if (!base.value || more.some((r) => !r.value)) return { findings };
  return {
    value: mergeTrustedRoots(
      base.value,
      more.map((r) => r.value!),
    ),
    findings,
  };
}

function parseCandidate(candidate: TrustedRootCandidate): Result<TrustedRootData> {
  if ("missing" in candidate) return { findings: [candidate.missing] };
  return "bytes" in candidate
    ? trustedRootFromBytes(candidate.bytes, candidate.file)
    : parseTrustedRoot(candidate.json, candidate.file);
}
