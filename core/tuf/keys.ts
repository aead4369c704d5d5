/**
 * TUF keys (ed25519) and the signer port. A `TufSigner` signs the canonical bytes of one role's
 * metadata; where its private key comes from (a file, an environment variable, a KMS later) is
 * the caller's business. Key ids are TUF's: the sha256 of the public key's canonical JSON.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from "node:crypto";
import { canonicalize } from "@tufjs/canonical-json";
import { Key, Signature } from "@tufjs/models";
import { RegistryError } from "../errors.ts";

/** Signs metadata for the key `key` (its `keyID` names the signature). */
export interface TufSigner {
  key: Key;
  sign(data: Buffer): Signature;
}

/** The TUF public key of an ed25519 key. */
export function tufKey(publicKey: KeyObject): Key {
  if (publicKey.asymmetricKeyType !== "ed25519") {
    throw new RegistryError(
      "TUF_KEY_INVALID",
      `TUF keys must be ed25519, not ${publicKey.asymmetricKeyType}`,
    );
  }
  const jwk = publicKey.export({ format: "jwk" });
  const body = {
    keytype: "ed25519",
    scheme: "ed25519",
    keyval: { public: Buffer.from(String(jwk.x), "base64url").toString("hex") },
  };
  const keyID = createHash("sha256").update(canonicalize(body)).digest("hex");
  return new Key({ keyID, keyType: body.keytype, scheme: body.scheme, keyVal: body.keyval });
}

/** A signer over a private key held in memory. */
export function keySigner(privateKey: KeyObject): TufSigner {
  const key = tufKey(createPublicKey(privateKey));
  return {
    key,
    sign: (data) => new Signature({ keyID: key.keyID, sig: sign(null, data, privateKey).toString("hex") }),
  };
}

/**
 * A signer from a PEM (PKCS#8) private key; `source` names where it came from in the error (a
 * file or an environment variable, never the key itself).
 */
export function pemSigner(pem: string, source: string): TufSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new RegistryError("TUF_KEY_INVALID", `${source} is not a PEM private key`, {
      cause: error,
      details: { source },
    });
  }
  try {
    return keySigner(privateKey);
  } catch (error) {
    throw new RegistryError("TUF_KEY_INVALID", `${source}: ${(error as Error).message}`, {
      details: { source },
    });
  }
}

/** A new ed25519 key pair: its signer and its private key as PEM (for the keys folder). */
export function generateTufKey(): { signer: TufSigner; pem: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  return {
    signer: keySigner(privateKey),
    pem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}
