import type { Manifest } from "../manifest.types.ts";
import type { SignatureKind } from "./signature.types.ts";

/**
 * How a version is signed, as the gate, the API and the site say it: a Sigstore bundle beside
 * the manifest, a key signature in the manifest, or nothing. The one place this is decided.
 */
export function signatureKindOf(manifest: Manifest | undefined, hasBundle: boolean): SignatureKind {
  if (hasBundle) return "sigstore";
  if (manifest?.security?.signature) return "key";
  return "none";
}
