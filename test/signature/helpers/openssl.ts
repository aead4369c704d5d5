/**
 * Real keys, signatures and certificates made by the `openssl` command line, as plugin authors
 * make them: `openssl dgst -sha256 -sign`. Everything lives in one temporary directory.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type KeyKind = "p256" | "p384" | "rsa2048" | "rsa1024" | "ed25519" | "secp256k1";

export interface KeyPair {
  /** Path of the PEM private key. */
  privateKeyFile: string;
  /** PEM SPKI public key. */
  publicKey: string;
  publicKeyFile: string;
}

export class OpenSSL {
  readonly dir = mkdtempSync(join(tmpdir(), "finfocus-sig-"));
  private n = 0;

  run(...args: string[]): Buffer {
    return execFileSync("openssl", args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] });
  }

  file(name: string, content: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  key(kind: KeyKind): KeyPair {
    const base = `key${this.n++}`;
    const privateKeyFile = join(this.dir, `${base}.pem`);
    const gen: Record<KeyKind, string[]> = {
      p256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
      p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
      secp256k1: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
      rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
      rsa1024: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
      ed25519: ["-algorithm", "ED25519"],
    };
    this.run("genpkey", ...gen[kind], "-out", privateKeyFile);
    const publicKeyFile = join(this.dir, `${base}.pub`);
    this.run("pkey", "-in", privateKeyFile, "-pubout", "-out", publicKeyFile);
    return { privateKeyFile, publicKey: readFileSync(publicKeyFile, "utf8"), publicKeyFile };
  }

  /** `openssl dgst -sha256 -sign KEY -out SIG ARTIFACT`, returned as base64 (the manifest's form). */
  sign(key: KeyPair, artifact: Uint8Array): string {
    const artifactFile = this.file(`artifact${this.n++}.bin`, artifact);
    const sigFile = join(this.dir, `sig${this.n++}.der`);
    this.run("dgst", "-sha256", "-sign", key.privateKeyFile, "-out", sigFile, artifactFile);
    return readFileSync(sigFile).toString("base64");
  }

  /** A self-signed CA certificate (basicConstraints CA:TRUE) for `key`. */
  ca(key: KeyPair, name: string, days = 30): string {
    const out = join(this.dir, `ca${this.n++}.pem`);
    this.run(
      "req",
      "-x509",
      "-new",
      "-key",
      key.privateKeyFile,
      "-subj",
      `/CN=${name}`,
      "-days",
      String(days),
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-out",
      out,
    );
    return readFileSync(out, "utf8");
  }

  /**
   * A certificate for `subject`'s key issued by `issuer` (key + PEM certificate). `ca` makes it
   * an intermediate CA; `days` may be negative-free only, so expiry tests use the clock instead.
   */
  issue(
    subject: KeyPair,
    name: string,
    issuer: { key: KeyPair; cert: string },
    opts: { ca?: boolean; days?: number } = {},
  ): string {
    const n = this.n++;
    const csr = join(this.dir, `req${n}.csr`);
    this.run("req", "-new", "-key", subject.privateKeyFile, "-subj", `/CN=${name}`, "-out", csr);
    const ext = this.file(
      `ext${n}.cnf`,
      opts.ca
        ? "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        : "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    );
    const issuerCert = this.file(`issuer${n}.pem`, issuer.cert);
    const out = join(this.dir, `cert${n}.pem`);
    this.run(
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      issuerCert,
      "-CAkey",
      issuer.key.privateKeyFile,
      "-CAcreateserial",
      "-days",
      String(opts.days ?? 10),
      "-extfile",
      ext,
      "-out",
      out,
    );
    return readFileSync(out, "utf8");
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
