import { X509Certificate } from "node:crypto";
import type { Finding } from "../findings.types.ts";

export interface ChainInput {
  /** PEM certificates, leaf first. */
  chain: readonly string[];
  /** PEM CA certificates the chain must lead to. */
  trustedCas: readonly string[];
  /** SPKI DER of the key that made the signature: the leaf must hold exactly this key. */
  leafKey: Uint8Array;
  now: Date;
  file: string;
  /** Pointer of the chain array, e.g. "/security/certificate_chain". */
  pointer: string;
}

const MAX_CHAIN = 8;

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function validAt(cert: X509Certificate, now: Date): boolean {
  return cert.validFromDate.getTime() <= now.getTime() && now.getTime() <= cert.validToDate.getTime();
}

/** `issuer` issued `cert`: names match and the signature verifies with the issuer's key. */
function issued(issuer: X509Certificate, cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Checks a manifest's certificate chain: every certificate parses and is valid at `now`; each is
 * issued (name and signature) by the next, which must be a CA (basic constraints); the last is a
 * trusted CA or is issued by one that is valid and a CA; and the leaf's key is the signing key.
 * Returns `CERTIFICATE_CHAIN_INVALID` findings; none means the chain is good.
 */
export function verifyCertificateChain(input: ChainInput): Finding[] {
  const problem = (pointer: string, message: string): Finding[] => [
    { code: "CERTIFICATE_CHAIN_INVALID", severity: "error", message, file: input.file, pointer },
  ];
  if (input.chain.length === 0) return problem(input.pointer, "The certificate chain is empty.");
  if (input.chain.length > MAX_CHAIN) {
    return problem(
      input.pointer,
      `The certificate chain has ${input.chain.length} certificates; at most ${MAX_CHAIN}.`,
    );
  }
  const certs: X509Certificate[] = [];
  for (const [i, pem] of input.chain.entries()) {
    const cert = parse(pem);
    if (!cert) return problem(`${input.pointer}/${i}`, `Certificate ${i} is not a readable PEM certificate.`);
    if (!validAt(cert, input.now)) {
      return problem(
        `${input.pointer}/${i}`,
        `Certificate ${i} (${cert.subject.replaceAll("\n", ", ")}) is not valid at ${input.now.toISOString()} ` +
          `(valid ${cert.validFromDate.toISOString()} to ${cert.validToDate.toISOString()}).`,
      );
    }
    certs.push(cert);
  }
  const leaf = certs[0]!;
  if (!Buffer.from(input.leafKey).equals(leaf.publicKey.export({ type: "spki", format: "der" }))) {
    return problem(`${input.pointer}/0`, "The leaf certificate holds another key than `public_key`.");
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    const cert = certs[i]!;
    const issuer = certs[i + 1]!;
    if (!issuer.ca)
      return problem(`${input.pointer}/${i + 1}`, `Certificate ${i + 1} is not a CA certificate.`);
    if (!issued(issuer, cert)) {
      return problem(`${input.pointer}/${i}`, `Certificate ${i} is not issued by certificate ${i + 1}.`);
    }
  }
  const last = certs[certs.length - 1]!;
  const anchors = input.trustedCas.map(parse).filter((c): c is X509Certificate => c !== undefined);
  if (anchors.length === 0) {
    return problem(
      input.pointer,
      "The manifest has a certificate chain, but the registry trusts no CA (config.json trusted_cas).",
    );
  }
  const trusted = anchors.some(
    (ca) => ca.raw.equals(last.raw) || (ca.ca && validAt(ca, input.now) && issued(ca, last)),
  );
  if (!trusted) {
    return problem(
      `${input.pointer}/${certs.length - 1}`,
      "The certificate chain does not lead to a CA the registry trusts (config.json trusted_cas).",
    );
  }
  return [];
}
