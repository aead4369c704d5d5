import { generateKeyPairSync, sign, verify } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import type { SigstoreIdentity } from "../../core/registry.types.ts";
import { verifyKeySignature } from "../../core/signature/key-signature.ts";
import { verifySigstoreBundle } from "../../core/signature/sigstore.ts";
import {
  parseTrustedRoot,
  seedTrustedRootJson,
  type TrustedRootData,
} from "../../core/signature/trusted-root.ts";
import { assertFindings, base64, fromBase64 } from "../contract.ts";
import { mutate, mutationArbitrary } from "../mutate.ts";
import { filesUnder, ROOT, upstreamDir } from "../seeds.ts";
import type { FuzzTarget } from "../target.types.ts";

const FILE = "fuzz/signature";
const CONFORMANCE_IDENTITY = {
  identity:
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
  issuer: "https://token.actions.githubusercontent.com",
};

export type SignatureInput =
  | { kind: "key"; artifact: string; signature: string; publicKey: string }
  | { kind: "bundle"; bundle: string; artifact: string; root: string };

/** Trusted roots by name: the bundled registry's demo root, public good, and conformance cases' own. */
const roots = new Map<string, TrustedRootData | undefined>();
function trustedRoot(name: string): TrustedRootData | undefined {
  if (!roots.has(name)) {
    let json: unknown;
    if (name === "public-good") json = seedTrustedRootJson();
    else {
      const file = name === "registry" ? path.join(ROOT, "registry", "trust", registryRootFile()) : name;
      json = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
    }
    roots.set(name, json === undefined ? undefined : parseTrustedRoot(json, name).value);
  }
  return roots.get(name);
}

function registryRootFile(): string {
  return readdirSync(path.join(ROOT, "registry", "trust")).find((n) => n.endsWith(".json")) ?? "";
}

/** Identities pinned in the bundled registry's entries, plus the conformance signer. */
function pins(): SigstoreIdentity[] {
  const out: SigstoreIdentity[] = [CONFORMANCE_IDENTITY];
  for (const file of filesUnder("registry/plugins", (n) => n === "entry.json")) {
    const entry = JSON.parse(readFileSync(file, "utf8")) as { signers?: { sigstore?: SigstoreIdentity[] } };
    out.push(...(entry.signers?.sigstore ?? []));
  }
  return out;
}

/** Bundles with the root they verify against and the artifact they sign (when known). */
function bundleSeeds(): { bundle: Uint8Array; artifact: Uint8Array; root: string }[] {
  const seeds = filesUnder("registry/plugins", (n) => n.endsWith(".sigstore.json")).map((f) => ({
    bundle: new Uint8Array(readFileSync(f)),
    artifact: new TextEncoder().encode("not the artifact"),
    root: "registry",
  }));
  for (const f of filesUnder("test/fixtures/signature/bad-bundles", (n) => n.endsWith(".json")))
    seeds.push({ bundle: new Uint8Array(readFileSync(f)), artifact: new Uint8Array(), root: "registry" });
  const upstream = upstreamDir();
  const cases = upstream ? path.join(upstream, "sigstore-conformance", "bundle-verify") : undefined;
  if (cases && existsSync(cases)) {
    const artifact = new Uint8Array(readFileSync(path.join(cases, "..", "a.txt")));
    for (const name of readdirSync(cases).sort()) {
      const bundle = path.join(cases, name, "bundle.sigstore.json");
      if (!existsSync(bundle)) continue;
      const own = path.join(cases, name, "trusted_root.json");
      const art = path.join(cases, name, "artifact");
      seeds.push({
        bundle: new Uint8Array(readFileSync(bundle)),
        artifact: existsSync(art) ? new Uint8Array(readFileSync(art)) : artifact,
        root: existsSync(own) ? own : "public-good",
      });
    }
  }
  return seeds;
}

/**
 * Signature verification: keyed signatures (ECDSA P-256 and RSA keys made for the run, then their
 * signature, key or artifact mutated) and Sigstore bundles (the bundled registry's, the project's
 * bad ones and, when the upstream data is there, the Sigstore conformance bundles, mutated).
 * Contract: a SignatureCheck with findings, never an exception; a keyed signature verifies only
 * when node:crypto verifies it too.
 */
export const signatureTarget: FuzzTarget<SignatureInput> = {
  name: "signature",
  description: "key signatures and Sigstore bundles (conformance bundles as seeds), mutated",
  async arbitrary() {
    const artifact = new TextEncoder().encode("the artifact bytes\n");
    const keys = [
      generateKeyPairSync("ec", { namedCurve: "P-256" }),
      generateKeyPairSync("rsa", { modulusLength: 2048 }),
    ].map(({ publicKey, privateKey }) => ({
      publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
      signature: sign("sha256", artifact, privateKey).toString("base64"),
    }));
    const mutations = fc.array(mutationArbitrary, { maxLength: 3 });
    const keyed = fc
      .record({
        key: fc.nat(keys.length - 1),
        onSignature: mutations,
        onKey: mutations,
        onArtifact: mutations,
      })
      .map(({ key, onSignature, onKey, onArtifact }): SignatureInput => {
        const k = keys[key] as { publicKey: string; signature: string };
        const text = (s: string, m: typeof onKey) =>
          Buffer.from(mutate(new TextEncoder().encode(s), m)).toString("utf8");
        return {
          kind: "key",
          artifact: base64(mutate(artifact, onArtifact)),
          signature: text(k.signature, onSignature),
          publicKey: text(k.publicKey, onKey),
        };
      });
    const seeds = bundleSeeds();
    const bundled = fc
      .record({ seed: fc.nat(seeds.length - 1), mutations: fc.array(mutationArbitrary, { maxLength: 4 }) })
      .map(({ seed, mutations: m }): SignatureInput => {
        const s = seeds[seed] as (typeof seeds)[number];
        return {
          kind: "bundle",
          bundle: base64(mutate(s.bundle, m)),
          artifact: base64(s.artifact),
          root: s.root,
        };
      });
    return fc.oneof(keyed, bundled);
  },
  async check(input) {
    const start = performance.now();
    if (input.kind === "key") {
      const artifact = fromBase64(input.artifact);
      const result = verifyKeySignature({
        artifact,
        signature: input.signature,
        publicKey: input.publicKey,
        requirePin: false,
        now: new Date("2026-06-01T00:00:00Z"),
        file: FILE,
      });
      const ms = performance.now() - start;
      assertFindings(result.findings, FILE);
      if (result.verified) {
        // The oracle: node:crypto itself must agree.
        const ok = verify("sha256", artifact, input.publicKey, Buffer.from(input.signature, "base64"));
        if (!ok) throw new Error("verified a signature that node:crypto rejects");
      }
      return { ms };
    }
    const root = trustedRoot(input.root) ?? trustedRoot("public-good");
    if (!root) throw new Error(`no trusted root ${input.root}`);
    const result = verifySigstoreBundle({
      bundle: fromBase64(input.bundle),
      artifact: fromBase64(input.artifact),
      trustedRoot: root,
      pins: pins(),
      requirePin: true,
      file: FILE,
    });
    const ms = performance.now() - start;
    assertFindings(result.findings, FILE);
    if (result.verified && result.findings.some((f) => f.severity === "error"))
      throw new Error("verified with error findings");
    return { ms };
  },
  encode: (input) => input,
  decode: (saved) => saved as SignatureInput,
};
