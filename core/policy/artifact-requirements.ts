/**
 * What an artifact must come with to be installable, decided once for the gate (manifest rules,
 * artifact checks) and the runner (before it verifies bytes): a strong checksum, and for
 * container images a digest instead of a movable tag.
 */
import type { Finding } from "../findings.types.ts";
import type { Manifest } from "../manifest.types.ts";

/** Installation methods that download an artifact: they need a URL and a checksum. */
export const DOWNLOADABLE: ReadonlySet<string> = new Set(["binary", "package", "script"]);

/** Checksum algorithms that protect against tampering. md5 does not: refused everywhere. */
export const STRONG_CHECKSUMS: ReadonlySet<string> = new Set(["sha256", "sha512"]);

/**
 * A downloadable artifact needs `download_url` and `checksum` (DOWNLOAD_REQUIRED), and the
 * checksum must use a strong algorithm (WEAK_CHECKSUM, an error at every security level: a
 * release no client would install is refused at the gate).
 */
export function checksumRequirements(manifest: Manifest, file: string): Finding[] {
  const out: Finding[] = [];
  const install = manifest.installation;
  if (DOWNLOADABLE.has(install.installation_method)) {
    for (const field of ["download_url", "checksum"] as const) {
      if (install[field] === undefined) {
        out.push({
          code: "DOWNLOAD_REQUIRED",
          severity: "error",
          message: `a '${install.installation_method}' install needs installation.${field}, so clients can download and verify the artifact`,
          file,
          pointer: `/installation/${field}`,
        });
      }
    }
  }
  const algorithm = install.checksum_algorithm ?? "sha256";
  if (!STRONG_CHECKSUMS.has(algorithm)) {
    out.push({
      code: "WEAK_CHECKSUM",
      severity: "error",
      message: `${algorithm} does not protect against tampering, and clients never install bytes checked with it: use sha256 or sha512`,
      file,
      pointer: "/installation/checksum_algorithm",
    });
  }
  return out;
}

/** An image reference pinned by digest: `name@sha256:<64 hex>`. */
const DIGEST_REFERENCE = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/** A `container` install must pin its image by digest (IMAGE_DIGEST_REQUIRED): a tag can move after merge. */
export function imageDigestRequirement(manifest: Manifest, file: string): Finding[] {
  if (manifest.installation.installation_method !== "container") return [];
  const ref = manifest.installation.download_url ?? "";
  if (DIGEST_REFERENCE.test(ref)) return [];
  return [
    {
      code: "IMAGE_DIGEST_REQUIRED",
      severity: "error",
      message: `A container image must be pinned by digest (name@sha256:<64 hex>); got "${ref}". A tag can be moved after merge.`,
      file,
      pointer: "/installation/download_url",
    },
  ];
}
