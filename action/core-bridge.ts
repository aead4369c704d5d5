/**
 * TEMPORARY seam to core functions that land in parallel (core/validate, core/json,
 * core/signature). Every use in the Action goes through here so switching to the real modules
 * is a one-file change.
 */
import { createHash } from "node:crypto";
import type { Finding } from "../core/findings.types.ts";
import type { Manifest } from "../core/manifest.types.ts";
import type { Entry, RegistryConfig } from "../core/registry.types.ts";
import type { GitRegistrySource as RegistrySource } from "./registry-git.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Parses JSON bytes; undefined when they are not valid JSON. */
export function loadJsonValue(bytes: Uint8Array, _file: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

/** Validates registry-relative files in registry context. */
export async function validateFiles(source: RegistrySource, files: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of files) {
    const bytes = await source.readFile(file);
    const value = bytes ? loadJsonValue(bytes, file) : undefined;
    if (value === undefined) {
      findings.push({ code: "JSON_SYNTAX", severity: "error", message: "not valid JSON", file, pointer: "" });
    }
  }
  return findings;
}

export type SignatureKind = "none" | "key" | "sigstore";
export type Signer =
  | { kind: "key"; fingerprint: string; algorithm: string }
  | { kind: "sigstore"; identity: string; issuer: string };
export interface ReleaseVerification {
  verified: boolean;
  level: string;
  signature: SignatureKind;
  signer?: Signer;
  findings: Finding[];
}
export interface ReleaseInput {
  manifest: Manifest;
  manifestFile: string;
  entry: Entry;
  config: RegistryConfig;
  artifact: Uint8Array;
  bundle?: string | unknown;
  bundleFile?: string;
  trustedRoot?: unknown;
  now: Date;
}

/** Checksum, key signature and Sigstore bundle against the pins. */
export function verifyRelease(input: ReleaseInput): ReleaseVerification {
  const findings: Finding[] = [];
  const { checksum, checksum_algorithm: algorithm = "sha256" } = input.manifest.installation;
  if (checksum !== undefined) {
    const actual = createHash(algorithm).update(input.artifact).digest("hex");
    if (actual !== checksum.toLowerCase()) {
      findings.push({
        code: "CHECKSUM_MISMATCH",
        severity: "error",
        message: `expected ${checksum}, got ${actual}`,
        file: input.manifestFile,
        pointer: "/installation/checksum",
      });
    }
  }
  return {
    verified: findings.length === 0,
    level: input.manifest.security?.security_level ?? "untrusted",
    signature: "none",
    findings,
  };
}

/** Loads the Sigstore trusted root (a file's JSON, or the public-good root). */
export async function loadTrustedRoot(
  json: unknown | undefined,
  _file: string,
): Promise<{ value?: unknown; findings: Finding[] }> {
  return { value: json, findings: [] };
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Why a URL may not be fetched, or undefined: https only; http only to loopback when allowed. */
export function urlProblem(text: string, options: { allowLoopbackHttp?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a valid URL";
  }
  if (url.username !== "" || url.password !== "") return "must not carry credentials (user:password@)";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    if (options.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
    return "uses http://: use https://";
  }
  return `uses the '${url.protocol}' scheme: only https:// is allowed`;
}

/** One version of a fully loaded registry. */
export interface LoadedVersion {
  plugin: string;
  version: string;
  file: string;
  manifest: Manifest;
  entry: Entry;
  bundleFile?: string;
}

/** Loads and validates a whole registry. */
export async function validateAll(
  source: RegistrySource,
): Promise<{ config?: RegistryConfig; versions: LoadedVersion[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const versions: LoadedVersion[] = [];
  const configBytes = await source.readFile("config.json");
  const config = configBytes
    ? (loadJsonValue(configBytes, "config.json") as RegistryConfig | undefined)
    : undefined;
  for (const plugin of await source.list("plugins")) {
    const entryBytes = await source.readFile(`plugins/${plugin}/entry.json`);
    const entry = entryBytes ? (loadJsonValue(entryBytes, "") as Entry | undefined) : undefined;
    if (!entry) continue;
    const files = await source.list(`plugins/${plugin}/versions`);
    for (const f of files) {
      if (!f.endsWith(".json") || f.endsWith(".sigstore.json")) continue;
      const file = `plugins/${plugin}/versions/${f}`;
      const bytes = await source.readFile(file);
      const manifest = bytes ? (loadJsonValue(bytes, file) as Manifest | undefined) : undefined;
      if (!manifest) continue;
      const version = f.slice(0, -".json".length);
      const bundle = files.includes(`${version}.sigstore.json`);
      versions.push({
        plugin,
        version,
        file,
        manifest,
        entry,
        ...(bundle ? { bundleFile: `plugins/${plugin}/versions/${version}.sigstore.json` } : {}),
      });
    }
  }
  return { ...(config ? { config } : {}), versions, findings };
}
