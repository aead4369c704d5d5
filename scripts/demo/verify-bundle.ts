/**
 * Verifies a demo Sigstore bundle over artifact bytes against a trusted root file, with the exact
 * pinned identity and issuer. Used by the build script (so it never keeps a bad bundle) and by the
 * registry-data tests. The product's own verifier lives in core/signature/.
 */
import { readFileSync } from "node:fs";
import { bundleFromJSON } from "@sigstore/bundle";
// A dependency of @sigstore/verify: its TrustedRoot.fromJSON reads the trusted_root.json format.
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { SigstoreIdentity } from "../../core/registry.types.ts";

/** Undefined when the bundle verifies for exactly `who`; otherwise why it does not. */
export function verifyDemoBundle(
  bundleJson: string,
  artifact: Buffer,
  trustedRootFile: string,
  who: SigstoreIdentity,
): string | undefined {
  try {
    const root = TrustedRoot.fromJSON(JSON.parse(readFileSync(trustedRootFile, "utf8")));
    const verifier = new Verifier(toTrustMaterial(root));
    const bundle = bundleFromJSON(JSON.parse(bundleJson));
    verifier.verify(toSignedEntity(bundle, artifact), {
      subjectAlternativeName: who.identity,
      extensions: { issuer: who.issuer },
    });
    return undefined;
  } catch (error) {
    return `Sigstore bundle does not verify: ${error instanceof Error ? error.message : String(error)}`;
  }
}
