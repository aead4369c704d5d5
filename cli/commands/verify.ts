import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Finding } from "../../core/findings.types.ts";
import { homeFolder } from "../../core/home.ts";
import { readLocalFile } from "../../core/json/local-file.ts";
import { parseChecksum } from "../../core/signature/checksum.ts";
import { chooseTrustedRoot } from "../../core/signature/choose-trusted-root.ts";
import { decodeBase64Strict } from "../../core/signature/keys.ts";
import type { Signer } from "../../core/signature/signature.types.ts";
import { MAX_BUNDLE_BYTES } from "../../core/signature/sigstore-bundle.ts";
import {
  MAX_TRUSTED_ROOT_BYTES,
  publicGoodTrustedRoot,
  type TrustedRootData,
} from "../../core/signature/trusted-root.ts";
import { type ArtifactRequest, verifyArtifact } from "../../core/signature/verify-artifact.ts";
import { tufTrustedRootFetcher } from "../../net/sigstore-tuf.ts";
import type { CliIO, CommandInput, Format, OptionsSpec, Values } from "../command.types.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output, printable } from "../output.ts";

const OPTIONS = {
  artifact: { type: "string", value: "FILE", help: "the artifact's bytes (required)" },
  checksum: { type: "string", value: "ALGO:HEX", help: "expected digest (sha256, sha512 or md5)" },
  signature: {
    type: "string",
    value: "B64|FILE",
    help: "keyed signature (base64 DER, or a file with base64 or raw DER) made by --public-key",
  },
  "public-key": {
    type: "string",
    value: "PEMFILE",
    help: "PEM public key (ECDSA P-256/P-384, RSA >= 2048, SHA-256) of --signature or a keyed --bundle",
  },
  bundle: {
    type: "string",
    value: "FILE",
    help: "Sigstore bundle (v0.1-v0.3) signed by --identity/--issuer",
  },
  identity: { type: "string", value: "ID", help: "exactly this identity (certificate SAN; no patterns)" },
  issuer: { type: "string", value: "URL", help: "exactly this OIDC issuer" },
  "trusted-root": {
    type: "string",
    value: "FILE",
    help: "Sigstore trusted root JSON (default: public good through TUF, else the copy in @sigstore/tuf)",
  },
  offline: { type: "boolean", help: "do not try TUF (also FINFOCUS_SIGSTORE_OFFLINE=1)" },
} as const satisfies OptionsSpec;

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
  format: Format;
}

/** The one place this command reads its arguments and environment. */
function settings(values: Values<typeof OPTIONS>, format: Format, io: CliIO): Settings {
  const str = (name: keyof typeof OPTIONS) => {
    const v = values[name];
    return typeof v === "string" ? v : undefined;
  };
  const artifact = str("artifact");
  if (!artifact) throw new UsageError("--artifact FILE is required");
  const s: Settings = {
    artifact: resolve(io.cwd, artifact),
    offline: values.offline === true || io.env.FINFOCUS_SIGSTORE_OFFLINE === "1",
    cachePath: io.env.FINFOCUS_SIGSTORE_CACHE || join(homeFolder(io.env), ".finfocus", "sigstore-tuf"),
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

/** Most bytes each file `verify` reads may hold (an artifact is read whole to be hashed). */
const LIMITS = {
  artifact: 1024 * 1024 * 1024,
  signature: 64 * 1024,
  "public key": 64 * 1024,
  "trusted root": MAX_TRUSTED_ROOT_BYTES,
  bundle: MAX_BUNDLE_BYTES,
} as const;

const read = (path: string, what: keyof typeof LIMITS): Promise<Buffer> =>
  readLocalFile(path, what, LIMITS[what]);

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
  const explicit = s.trustedRoot
    ? { bytes: await read(resolve(io.cwd, s.trustedRoot), "trusted root"), file: s.trustedRoot }
    : undefined;
  return chooseTrustedRoot({ explicit }, () =>
    publicGoodTrustedRoot(s.offline ? undefined : tufTrustedRootFetcher({ cachePath: s.cachePath })),
  );
}

function render(
  io: CliIO,
  s: Settings,
  verified: boolean,
  findings: Finding[],
  signer: Signer | undefined,
): void {
  if (s.format === "json") {
    output(io, "json", { verified, findings, ...(signer ? { signer } : {}) }, () => "");
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

async function run({ values, format, io }: CommandInput<typeof OPTIONS>): Promise<number> {
  const s = settings(values, format, io);
  const artifact = await read(s.artifact, "artifact");
  const publicKey = s.publicKey && (await read(resolve(io.cwd, s.publicKey), "public key")).toString("utf8");
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
}

/** `finfocus-registry verify`: checks an artifact's checksum, keyed signature and Sigstore bundle. */
export const verifyCommand = defineCommand({
  name: "verify",
  summary: "verify an artifact's checksum, keyed signature or Sigstore bundle",
  description: `Verifies a downloaded artifact. Give at least one check (--checksum, --signature with
--public-key, or --bundle with --identity and --issuer or --public-key); every check given must
pass. --format json prints {verified, findings, signer?}.
Environment: FINFOCUS_SIGSTORE_CACHE (TUF cache dir, default ~/.finfocus/sigstore-tuf).`,
  options: OPTIONS,
  exit: "0 verified, 1 not verified, 2 usage or I/O error",
  run,
});
