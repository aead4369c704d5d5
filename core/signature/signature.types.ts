import type { Finding } from "../findings.types.ts";

/** Which kind of signature verified a release: shown in the Action's summary, the API and the site. */
export type SignatureKind = "none" | "key" | "sigstore";

/** Who signed, once verification succeeded. */
export type Signer =
  | {
      kind: "key";
      /** `sha256:<hex>` of the public key's SPKI DER bytes: stable whatever the PEM text looks like. */
      fingerprint: string;
      /** "ecdsa-p256", "ecdsa-p384" or "rsa-<bits>". */
      algorithm: string;
    }
  | {
      kind: "sigstore";
      /** The certificate's subject alternative name, as pinned (exact). */
      identity: string;
      /** The OIDC issuer from the certificate's Fulcio extension, as pinned (exact). */
      issuer: string;
    };

/** What every signature check returns: never throws on bad input. */
export interface SignatureCheck {
  /** True only when the signature verified and its signer is acceptable (pinned where required). */
  verified: boolean;
  signer?: Signer;
  findings: Finding[];
}
