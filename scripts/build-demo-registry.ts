/**
 * Builds the default registry's demo artifacts and fills in what a new version still lacks.
 *
 *   node scripts/build-demo-registry.ts            build demo/artifacts/, then add missing checksums,
 *                                                  keyed signatures and Sigstore bundles
 *   node scripts/build-demo-registry.ts --check    rebuild into a temp dir; exit 1 unless every
 *                                                  committed archive, checksum, signature and bundle
 *                                                  is already right (nothing is written)
 *   --registry DIR --artifacts DIR --keys DIR      other folders (default: registry/, demo/artifacts/,
 *                                                  demo/keys/ of this repository)
 *
 * Archives are a pure function of their manifest (scripts/demo/plugin-files.ts) and, for the real
 * plugin releases, of demo/plugin/ and the locked packages it bundles (scripts/demo/release-plugin.ts),
 * so their sha256 never drifts. Published versions are immutable: a manifest is written only when it lacks a
 * checksum or a valid signature, and never when git already tracks it at HEAD. ECDSA signatures
 * and Sigstore bundles are randomized, which is why valid ones are never re-made.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Manifest } from "../core/manifest.types.ts";
import { loadDemoKeys, samePublicKey, signArtifact, verifyDemoSignature } from "./demo/demo-keys.ts";
import {
  buildArtifact,
  type DemoPlugin,
  type DemoRegistry,
  type DemoVersion,
  imageDigest,
  loadDemoRegistry,
  requiredSigners,
  sha256,
  usesSigstore,
} from "./demo/demo-registry.ts";
import { loadMockServiceKeys, mockTrustedRoot, signKeyless } from "./demo/sigstore-demo.ts";
import { verifyDemoBundle } from "./demo/verify-bundle.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    registry: { type: "string", default: join(repo, "registry") },
    artifacts: { type: "string", default: join(repo, "demo", "artifacts") },
    keys: { type: "string", default: join(repo, "demo", "keys") },
  },
});
const check = args.check;
const registryDir = resolve(args.registry);
const artifactsDir = resolve(args.artifacts);
const keysDir = resolve(args.keys);
const problems: string[] = [];
const rel = (file: string) => relative(repo, file);

/** True when git tracks `file` at HEAD: a merged, immutable version. */
function trackedAtHead(file: string): boolean {
  const r = spawnSync("git", ["-C", dirname(file), "cat-file", "-e", `HEAD:./${basename(file)}`], {
    stdio: "ignore",
  });
  return r.status === 0;
}

function writeManifest(v: DemoVersion, why: string): void {
  if (check) {
    problems.push(`${rel(v.file)}: ${why}`);
    return;
  }
  if (trackedAtHead(v.file)) {
    problems.push(`${rel(v.file)}: ${why}, but the version is published (tracked at HEAD) and immutable`);
    return;
  }
  writeFileSync(v.file, `${JSON.stringify(v.manifest, null, 2)}\n`);
  console.log(`updated ${rel(v.file)}: ${why}`);
}

function signKeyed(reg: DemoRegistry, plugin: DemoPlugin, v: DemoVersion, bytes: Buffer): void {
  const pinned = requiredSigners(reg, plugin, v.manifest);
  if (!pinned) return;
  const sec = v.manifest.security ?? {};
  const ok =
    sec.signature !== undefined &&
    sec.public_key !== undefined &&
    pinned.some((k) => samePublicKey(k, sec.public_key!)) &&
    verifyDemoSignature(bytes, sec.signature, sec.public_key);
  if (ok) return;
  const key = loadDemoKeys(keysDir).find((k) => pinned.some((p) => samePublicKey(p, k.publicPem)));
  if (!key) {
    problems.push(`${rel(v.file)}: needs a signature by a pinned key, and no demo key matches the pins`);
    return;
  }
  const manifest: Manifest = v.manifest;
  const { signature: _old, public_key: _oldKey, ...rest } = sec;
  manifest.security = { signature: signArtifact(bytes, key.privateKey), public_key: key.publicPem, ...rest };
  writeManifest(v, `signed with ${key.file}`);
}

async function signSigstore(reg: DemoRegistry, plugin: DemoPlugin, v: DemoVersion, bytes: Buffer) {
  const who = plugin.entry.signers?.sigstore?.[0];
  const rootPath = reg.config.sigstore_trusted_root;
  if (!who || !rootPath) return;
  const trustedRoot = join(registryDir, rootPath);
  if (existsSync(v.bundleFile) && existsSync(trustedRoot)) {
    const error = verifyDemoBundle(readFileSync(v.bundleFile, "utf8"), bytes, trustedRoot, who);
    if (!error) return;
    problems.push(`${rel(v.bundleFile)}: ${error}`);
    return;
  }
  if (check) {
    problems.push(`${rel(v.bundleFile)}: missing Sigstore bundle or trusted root`);
    return;
  }
  const keys = loadMockServiceKeys(keysDir);
  if (!existsSync(trustedRoot)) {
    mkdirSync(dirname(trustedRoot), { recursive: true });
    const root = await mockTrustedRoot(keys, new Date(Date.now() - 60_000));
    writeFileSync(trustedRoot, `${JSON.stringify(root, null, 2)}\n`);
    console.log(`wrote ${rel(trustedRoot)}`);
  }
  const bundle = await signKeyless(bytes, who, keys);
  writeFileSync(v.bundleFile, `${JSON.stringify(bundle, null, 2)}\n`);
  console.log(`wrote ${rel(v.bundleFile)} (keyless, ${who.identity})`);
}

async function main(): Promise<void> {
  const reg = loadDemoRegistry(registryDir);
  const outDir = check ? mkdtempSync(join(tmpdir(), "finfocus-demo-artifacts-")) : artifactsDir;
  mkdirSync(outDir, { recursive: true });
  const built = new Set<string>();
  try {
    for (const plugin of reg.plugins) {
      for (const v of plugin.versions) {
        const m = v.manifest;
        const artifact = buildArtifact(m);
        if (!artifact) {
          if (m.installation.checksum !== imageDigest(m)) {
            problems.push(`${rel(v.file)}: container checksum must equal the image digest in download_url`);
          }
          continue;
        }
        // A real plugin release is published under one asset name per platform, all the same bytes.
        for (const fileName of artifact.assets) {
          if (built.has(fileName)) problems.push(`${fileName}: built by two versions`);
          built.add(fileName);
          const out = join(outDir, fileName);
          if (!existsSync(out) || !readFileSync(out).equals(artifact.bytes))
            writeFileSync(out, artifact.bytes);
          if (check) {
            const committed = join(artifactsDir, fileName);
            if (!existsSync(committed) || !readFileSync(committed).equals(artifact.bytes)) {
              problems.push(`demo/artifacts/${fileName}: differs from a fresh build`);
            }
          }
        }
        const digest = sha256(artifact.bytes);
        if (m.installation.checksum === undefined) {
          // Keep the usual key order: method, URL, checksum, algorithm, then the rest.
          const { installation_method, download_url, ...rest } = m.installation;
          m.installation = {
            installation_method,
            ...(download_url ? { download_url } : {}),
            checksum: digest,
            ...rest,
          };
          m.installation.checksum_algorithm = "sha256";
          writeManifest(v, "added checksum");
        } else if (m.installation.checksum !== digest) {
          problems.push(`${rel(v.file)}: checksum ${m.installation.checksum} != built artifact ${digest}`);
        }
        signKeyed(reg, plugin, v, artifact.bytes);
        if (usesSigstore(plugin, m)) await signSigstore(reg, plugin, v, artifact.bytes);
      }
    }
    for (const stale of readdirSync(artifactsDir).filter((f) => !built.has(f))) {
      if (check) problems.push(`demo/artifacts/${stale}: no manifest builds it`);
      else rmSync(join(artifactsDir, stale));
    }
  } finally {
    if (check) rmSync(outDir, { recursive: true, force: true });
  }
  for (const p of problems) console.error(`error: ${p}`);
  const versions = reg.plugins.reduce((n, p) => n + p.versions.length, 0);
  console.log(
    `${check ? "checked" : "built"} ${built.size} archives for ${reg.plugins.length} plugins, ${versions} versions: ${problems.length ? `${problems.length} problem(s)` : "ok"}`,
  );
  process.exitCode = problems.length ? 1 : 0;
}

await main();
