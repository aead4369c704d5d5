import { X509Certificate } from "node:crypto";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import seeds from "@sigstore/tuf/seeds.json" with { type: "json" };
import { toTrustMaterial } from "@sigstore/verify";
import type { Finding, Result } from "../findings.types.ts";
import { loadJson } from "../json/load-json.ts";

/** A validated Sigstore trusted root, ready for `@sigstore/verify`. */
export interface TrustedRootData {
  root: TrustedRoot;
  /** Where it came from, for messages: a file path, "tuf" or "seed". */
  source: string;
}

/** Fetches the public-good trusted root JSON (through TUF); injected so core does no network. */
export type TrustedRootFetcher = () => Promise<unknown>;

const MEDIA_TYPES = new Set([
  "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  "application/vnd.dev.sigstore.trustedroot.v0.2+json",
]);
const PUBLIC_GOOD_MIRROR = "https://tuf-repo-cdn.sigstore.dev";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isBase64 = (v: unknown): v is string =>
  typeof v === "string" && v.length > 0 && v.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(v);
const isTime = (v: unknown): v is string =>
  typeof v === "string" &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
  !Number.isNaN(Date.parse(v));

/** Checks a `validFor` interval: a start is required (a missing bound is not "forever"). */
function checkValidFor(validFor: unknown, pointer: string, problems: [string, string][]): void {
  if (!isObject(validFor) || !isTime(validFor.start)) {
    problems.push([`${pointer}/start`, "has no valid validity start (validFor.start)"]);
    return;
  }
  if (validFor.end !== undefined && validFor.end !== null) {
    if (!isTime(validFor.end)) problems.push([`${pointer}/end`, "has an unreadable validity end"]);
    else if (Date.parse(validFor.end) < Date.parse(validFor.start))
      problems.push([`${pointer}/end`, "ends before it starts"]);
  }
}

function checkLog(log: unknown, pointer: string, problems: [string, string][]): void {
  if (!isObject(log) || !isObject(log.publicKey) || !isBase64(log.publicKey.rawBytes)) {
    problems.push([`${pointer}/publicKey/rawBytes`, "has no public key"]);
    return;
  }
  if (!isObject(log.logId) || !isBase64(log.logId.keyId))
    problems.push([`${pointer}/logId/keyId`, "has no log id"]);
  checkValidFor(log.publicKey.validFor, `${pointer}/publicKey/validFor`, problems);
}

function checkAuthority(ca: unknown, pointer: string, problems: [string, string][]): void {
  const certs = isObject(ca) && isObject(ca.certChain) ? ca.certChain.certificates : undefined;
  if (!isObject(ca) || !Array.isArray(certs) || certs.length === 0) {
    problems.push([`${pointer}/certChain/certificates`, "has no certificates"]);
    return;
  }
  for (const [i, cert] of certs.entries()) {
    const raw = isObject(cert) ? cert.rawBytes : undefined;
    let ok = isBase64(raw);
    if (ok) {
      try {
        new X509Certificate(Buffer.from(raw as string, "base64"));
      } catch {
        ok = false;
      }
    }
    if (!ok) problems.push([`${pointer}/certChain/certificates/${i}/rawBytes`, "is not a DER certificate"]);
  }
  checkValidFor(ca.validFor, `${pointer}/validFor`, problems);
}

/**
 * Validates trusted-root JSON (Sigstore `TrustedRoot`, v0.1 or v0.2 media type) and converts it
 * for `@sigstore/verify`. Stricter than the library: every log and authority needs a validity
 * start and real key material, otherwise `TRUSTED_ROOT_INVALID` (one finding per problem).
 */
export function parseTrustedRoot(json: unknown, file: string): Result<TrustedRootData> {
  const problems: [string, string][] = [];
  if (!isObject(json)) {
    problems.push(["", "is not a JSON object"]);
  } else {
    if (typeof json.mediaType !== "string" || !MEDIA_TYPES.has(json.mediaType)) {
      problems.push(["/mediaType", `has an unknown media type ${JSON.stringify(json.mediaType)}`]);
    }
    for (const [name, check] of [
      ["tlogs", checkLog],
      ["ctlogs", checkLog],
      ["certificateAuthorities", checkAuthority],
      ["timestampAuthorities", checkAuthority],
    ] as const) {
      const list = json[name] ?? [];
      if (!Array.isArray(list)) problems.push([`/${name}`, "is not an array"]);
      else for (const [i, item] of list.entries()) check(item, `/${name}/${i}`, problems);
    }
  }
  const findings: Finding[] = problems.map(([pointer, what]) => ({
    code: "TRUSTED_ROOT_INVALID",
    severity: "error",
    message: `The Sigstore trusted root ${what}; refusing to verify with it.`,
    file,
    pointer,
  }));
  if (findings.length > 0) return { findings };
  try {
    const root = TrustedRoot.fromJSON(json);
    toTrustMaterial(root); // parses every key and certificate once, so bad material is a finding here
    return { value: { root, source: file }, findings: [] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      findings: [
        {
          code: "TRUSTED_ROOT_INVALID",
          severity: "error",
          message: `The Sigstore trusted root is unusable: ${reason}.`,
          file,
          pointer: "",
        },
      ],
    };
  }
}

/**
 * One trusted root holding every instance of `base` and `more` (their logs and authorities side by
 * side): a bundle verifies when one instance vouches for it, and the signer's identity is still
 * matched exactly. `base` alone is returned as it is.
 */
export function mergeTrustedRoots(base: TrustedRootData, more: readonly TrustedRootData[]): TrustedRootData {
  if (more.length === 0) return base;
  const all = [base, ...more];
  return {
    root: {
      ...base.root,
      tlogs: all.flatMap((r) => r.root.tlogs),
      ctlogs: all.flatMap((r) => r.root.ctlogs),
      certificateAuthorities: all.flatMap((r) => r.root.certificateAuthorities),
      timestampAuthorities: all.flatMap((r) => r.root.timestampAuthorities),
    },
    source: all.map((r) => r.source).join(" + "),
  };
}

/** Most bytes a Sigstore trusted root may hold, wherever it is read from. */
export const MAX_TRUSTED_ROOT_BYTES = 4 * 1024 * 1024;

/**
 * Reads a trusted-root file's bytes (e.g. config.json's `sigstore_trusted_root`) with the safe JSON
 * loader, then validates it like `parseTrustedRoot`. For adapters that read the file themselves.
 */
export function trustedRootFromBytes(bytes: Uint8Array, file: string): Result<TrustedRootData> {
  const loaded = loadJson(bytes, { file, maxBytes: MAX_TRUSTED_ROOT_BYTES });
  if (loaded.findings.length > 0) return { findings: loaded.findings };
  return parseTrustedRoot(loaded.value, file);
}

/** The public-good trusted root shipped inside @sigstore/tuf (its `seeds.json`): no network. */
export function seedTrustedRootJson(): unknown {
  // Imported statically, so the Action's bundle carries it (a runtime require found no file there).
  const encoded = (seeds as Record<string, { targets?: Record<string, string> }>)[PUBLIC_GOOD_MIRROR]
    ?.targets?.["trusted_root.json"];
  if (!encoded) return undefined;
  return JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
}

/**
 * The Sigstore public-good trusted root: fresh through the injected TUF fetcher when there is one
 * and it answers, otherwise the copy shipped in @sigstore/tuf with a `TRUSTED_ROOT_OFFLINE`
 * warning (that copy is as old as the installed package; keys rotated since are unknown to it).
 */
export async function publicGoodTrustedRoot(fetcher?: TrustedRootFetcher): Promise<Result<TrustedRootData>> {
  let reason = "the TUF update is disabled";
  if (fetcher) {
    try {
      const fresh = parseTrustedRoot(await fetcher(), "tuf:trusted_root.json");
      if (fresh.value) return { value: { ...fresh.value, source: "tuf" }, findings: [] };
      reason = `the TUF copy is invalid (${fresh.findings[0]?.message ?? "unknown"})`;
    } catch (error) {
      reason = `TUF did not answer (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const seed = parseTrustedRoot(seedTrustedRootJson(), "@sigstore/tuf/seeds.json");
  if (!seed.value) return seed;
  return {
    value: { ...seed.value, source: "seed" },
    findings: [
      {
        code: "TRUSTED_ROOT_OFFLINE",
        severity: "warning",
        message: `Using the Sigstore public-good trusted root shipped with @sigstore/tuf: ${reason}.`,
        file: "@sigstore/tuf/seeds.json",
        pointer: "",
      },
    ],
  };
}
