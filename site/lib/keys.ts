/** Short, comparable names for pinned signer keys. */
import { createHash } from "node:crypto";

/** "SHA256:<base64>" of a PEM public key's DER bytes (what `ssh-keygen -l` style fingerprints look like). */
export function keyFingerprint(pem: string): string {
  const body = pem.replace(/-----(BEGIN|END)[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Buffer.from(body, "base64");
  return `SHA256:${createHash("sha256").update(der).digest("base64").replace(/=+$/, "")}`;
}
