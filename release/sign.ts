import { createPrivateKey, createPublicKey, sign as signBytes } from "node:crypto";
import { sign as sigstoreSign } from "sigstore";
import type { ReleaseSettings } from "./settings.ts";

/** What signing produced: a Sigstore bundle (keyless), a keyed signature, or nothing. */
export type Signed =
  | { kind: "keyless"; bundle: Uint8Array }
  | { kind: "key"; signature: string; publicKey: string }
  | { kind: "none" };

/**
 * A keyed signature over the artifact's bytes, as `openssl dgst -sha256 -sign` makes it: SHA-256,
 * DER for ECDSA, PKCS#1 v1.5 for RSA, base64. The public key is the SPKI PEM to pin in entry.json.
 */
export function signWithKey(artifact: Uint8Array, pem: string, passphrase?: string): Signed {
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(passphrase ? { key: pem, passphrase } : pem);
  } catch (error) {
    throw new Error(
      `signing-key is not a PEM private key that can be read${passphrase ? " with that passphrase" : ""}: ${(error as Error).message}`,
    );
  }
  const signature = signBytes("sha256", artifact, key).toString("base64");
  const publicKey = createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
  return { kind: "key", signature, publicKey };
}

/**
 * A keyless Sigstore bundle over the artifact: the workflow's OIDC token (GitHub Actions hands it
 * out when the job has `id-token: write`) buys a short-lived Fulcio certificate, and the signature
 * is logged in Rekor. Message-signature bundle, v0.3 JSON.
 */
export async function signKeyless(artifact: Uint8Array, settings: ReleaseSettings): Promise<Signed> {
  let bundle: Awaited<ReturnType<typeof sigstoreSign>>;
  try {
    bundle = await sigstoreSign(Buffer.from(artifact), {
      fulcioURL: settings.fulcioUrl,
      rekorURL: settings.rekorUrl,
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Keyless signing failed (${why}). It needs GitHub Actions with "permissions: id-token: write" on the job; or sign with a key (signing: key).`,
    );
  }
  return { kind: "keyless", bundle: new TextEncoder().encode(`${JSON.stringify(bundle, null, 2)}\n`) };
}

/** Signs as the settings say. */
export async function signArtifact(artifact: Uint8Array, settings: ReleaseSettings): Promise<Signed> {
  if (settings.signing === "key")
    return signWithKey(artifact, settings.signingKey ?? "", settings.signingKeyPassphrase);
  if (settings.signing === "keyless") return signKeyless(artifact, settings);
  return { kind: "none" };
}
