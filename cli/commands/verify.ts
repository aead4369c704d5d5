import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Finding } from "../../core/findings.types.ts";
import { parseChecksum } from "../../core/signature/checksum.ts";
import { decodeBase64Strict } from "../../core/signature/keys.ts";
import type { Signer } from "../../core/signature/signature.types.ts";
import {
  publicGoodTrustedRoot,
  type TrustedRootData,
  trustedRootFromBytes,
} from "../../core/signature/trusted-root.ts";
import { tufTrustedRootFetcher } from "../../core/signature/trusted-root-tuf.ts";
import { type ArtifactRequest, verifyArtifact } from "../../core/signature/verify-artifact.ts";
import type { CliIO, Command } from "../command.types.ts";

const usage = `Usage: finfocus-registry verify --artifact FILE [checks] [--format text|json]

Verifies a downloaded artifact. Give at least one check; every check given must pass.

  --artifact FILE          the artifact's bytes
  --checksum ALGO:HEX      expected digest (sha256, sha512 or md5)
  --signature B64|FILE     keyed signature (base64 DER, or a file with base64 or raw DER) ...
  --public-key PEMFILE     ... made by this PEM public key (ECDSA P-256/P-384, RSA >= 2048), SHA-256
  --bundle FILE            Sigstore bundle (v0.1-v0.3) ...
  --identity ID            ... signed by exactly this identity (certificate SAN; no patterns) ...
  --issuer URL             ... from exactly this OIDC issuer (or, for a bundle made with a
                           key, --public-key PEMFILE)
  --trusted-root FILE      Sigstore trusted root JSON (default: public good, through TUF, else the
                           copy shipped with @sigstore/tuf)
  --offline                do not try TUF (also FINFOCUS_SIGSTORE_OFFLINE=1)
  --format text|json       output (json: {verified, findings, signer?})

Exit: 0 verified, 1 not verified, 2 usage or I/O error.
Environment: FINFOCUS_SIGSTORE_CACHE (TUF cache dir, default ~/.finfocus/sigstore-tuf).`;

interface Settings {
  artifact: string;
  checksum?: string;
  signature?: string;
  publicKey?: string;
  bundle?: string;
  identity?: string;
  issuer?: string;
  trustedRoot?: string;
  offline: boolean;
  cachePath: string;
  format: "text" | "json";
}

class UsageError extends Error {}

/** The one place this command reads its arguments and environment. */
function settings(args: string[], io: CliIO): Settings {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        artifact: { type: "string" },
        checksum: { type: "string" },
        signature: { type: "string" },
        "public-key": { type: "string" },
        bundle: { type: "string" },
        identity: { type: "string" },
        issuer: { type: "string" },
        "trusted-root": { type: "string" },
        offline: { type: "boolean" },
        format: { type: "string" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const artifact = str("artifact");
  if (!artifact) throw new UsageError("--artifact FILE is required");
  const format = str("format") ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError("--format must be text or json");
  const s: Settings = {
    artifact: resolve(io.cwd, artifact),
    offline: values.offline === true || io.env.FINFOCUS_SIGSTORE_OFFLINE === "1",
    cachePath: io.env.FINFOCUS_SIGSTORE_CACHE || join(homedir(), ".finfocus", "sigstore-tuf"),
    format,
  };
  for (const [key, name] of [
    ["checksum", "checksum"],
    ["signature", "signature"],
    ["publicKey", "public-key"],
    ["bundle", "bundle"],
    ["identity", "identity"],
    ["issuer", "issuer"],
    ["trustedRoot", "trusted-root"],
  ] as const) {
    const v = str(name);
    if (v !== undefined) s[key] = v;
  }
  if (!s.checksum && !s.signature && !s.bundle) {
    throw new UsageError("nothing to verify: give --checksum, --signature with --public-key, or --bundle");
  }
  if (s.signature !== undefined && s.publicKey === undefined) {
    throw new UsageError("--signature needs --public-key");
  }
  if (s.publicKey !== undefined && s.signature === undefined && s.bundle === undefined) {
    throw new UsageError("--public-key needs --signature or --bundle");
  }
  if (s.bundle !== undefined && (!s.identity !== !s.issuer || (!s.identity && !s.publicKey))) {
    throw new UsageError(
      "--bundle needs --identity and --issuer (both matched exactly), or --public-key for a bundle signed with a key",
    );
  }
  if (
    s.bundle === undefined &&
    (s.identity !== undefined || s.issuer !== undefined || s.trustedRoot !== undefined)
  ) {
    throw new UsageError("--identity, --issuer and --trusted-root only apply with --bundle");
  }
  if (s.checksum !== undefined && !parseChecksum(s.checksum)) {
    throw new UsageError(
      "--checksum must be ALGO:HEX with ALGO sha256, sha512 or md5 and a digest of its length",
    );
  }
  return s;
}

async function read(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/**
 * A signature argument: base64 text, or a file holding base64 text (cosign) or raw DER (openssl).
 * Returns the base64 signature and the name findings should carry.
 */
async function signatureArg(value: string, cwd: string): Promise<{ base64: string; label: string }> {
  const path = resolve(cwd, value);
  if (!decodeBase64Strict(value) && existsSync(path)) {
    const bytes = await read(path, "signature");
    const text = bytes.toString("latin1").trim();
    return { base64: decodeBase64Strict(text) ? text : bytes.toString("base64"), label: value };
  }
  return { base64: value, label: "--signature" };
}

async function trustedRoot(
  s: Settings,
  io: CliIO,
): Promise<{ value?: TrustedRootData; findings: Finding[] }> {
  if (s.trustedRoot) {
    return trustedRootFromBytes(await read(resolve(io.cwd, s.trustedRoot), "trusted root"), s.trustedRoot);
  }
  return publicGoodTrustedRoot(s.offline ? undefined : tufTrustedRootFetcher({ cachePath: s.cachePath }));
}

/** Control and bidi characters (from certificates, file names) are shown escaped, never interpreted. */
const printable = (text: string): string =>
  text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

function render(
  io: CliIO,
  s: Settings,
  verified: boolean,
  findings: Finding[],
  signer: Signer | undefined,
): void {
  if (s.format === "json") {
    io.stdout(`${JSON.stringify({ verified, findings, ...(signer ? { signer } : {}) }, null, 2)}\n`);
    return;
  }
  for (const f of findings) {
    io.stdout(
      `${printable(`${f.file}${f.pointer ? `#${f.pointer}` : ""}: ${f.severity} ${f.code}: ${f.message}`)}\n`,
    );
  }
  const who =
    signer?.kind === "sigstore"
      ? ` (signed by ${signer.identity}, issuer ${signer.issuer})`
      : signer?.kind === "key"
        ? ` (signed by ${signer.algorithm} key ${signer.fingerprint})`
        : "";
  io.stdout(`${printable(verified ? `verified: ${s.artifact}${who}` : `NOT verified: ${s.artifact}`)}\n`);
}

async function run(args: string[], io: CliIO): Promise<number> {
  let s: Settings;
  try {
    s = settings(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`finfocus-registry verify: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  try {
    const artifact = await read(s.artifact, "artifact");
    const publicKey =
      s.publicKey && (await read(resolve(io.cwd, s.publicKey), "public key")).toString("utf8");
    const request: ArtifactRequest = { artifact, artifactFile: s.artifact, now: new Date() };
    if (s.checksum) request.checksum = parseChecksum(s.checksum)!;
    if (s.signature && publicKey) {
      const signature = await signatureArg(s.signature, io.cwd);
      request.keySignature = { signature: signature.base64, signatureFile: signature.label, publicKey };
    }
    const findings: Finding[] = [];
    if (s.bundle) {
      const content = await read(resolve(io.cwd, s.bundle), "bundle");
      const root = await trustedRoot(s, io);
      findings.push(...root.findings);
      const pins = s.identity && s.issuer ? [{ identity: s.identity, issuer: s.issuer }] : [];
      if (root.value) {
        request.bundle = {
          content,
          file: s.bundle,
          pins,
          keys: publicKey ? [publicKey] : [],
          trustedRoot: root.value,
        };
      }
    }
    const result = verifyArtifact(request);
    findings.push(...result.findings);
    const verified = result.verified && !findings.some((f) => f.severity === "error");
    render(io, s, verified, findings, verified ? result.signer : undefined);
    return verified ? 0 : 1;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`finfocus-registry verify: ${error.message}\n`);
    return 2;
  }
}

/** `finfocus-registry verify`: checks an artifact's checksum, keyed signature and Sigstore bundle. */
export const verifyCommand: Command = {
  name: "verify",
  summary: "verify an artifact's checksum, keyed signature or Sigstore bundle",
  usage,
  run,
};
