/**
 * The default registry exists to exercise every part of the product, so its variety is a contract:
 * an edit that drops the last yanked version or the only container install fails here.
 */
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { artifactFileName, loadDemoRegistry } from "../../scripts/demo/demo-registry.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const reg = loadDemoRegistry(join(repo, "registry"));
const versions = reg.plugins.flatMap((p) => p.versions.map((v) => ({ p, v, m: v.manifest })));
const toRange = (constraint: string): string => constraint.split(",").join(" ");

test("at least 8 plugins and 20 versions", () => {
  assert.ok(reg.plugins.length >= 8, `${reg.plugins.length} plugins`);
  assert.ok(versions.length >= 20, `${versions.length} versions`);
});

test("every provider, security level and installation method appears", () => {
  const providers = new Set(versions.flatMap(({ m }) => m.specification.supported_providers));
  assert.deepEqual([...providers].sort(), ["aws", "azure", "custom", "gcp", "kubernetes"]);
  const levels = new Set(versions.map(({ m }) => m.security?.security_level));
  assert.deepEqual([...levels].sort(), ["community", "official", "untrusted", "verified"]);
  const methods = new Set(versions.map(({ m }) => m.installation.installation_method));
  assert.deepEqual([...methods].sort(), ["binary", "container", "package", "script"]);
});

test("signature kinds: ECDSA and RSA keyed signatures, official signer, and a Sigstore bundle", () => {
  const keyed = versions.filter(({ m }) => m.security?.signature);
  assert.ok(keyed.some(({ m }) => m.security?.security_level === "official"));
  const keyTypes = new Set(keyed.map(({ m }) => createPublicKey(m.security!.public_key!).asymmetricKeyType));
  assert.deepEqual([...keyTypes].sort(), ["ec", "rsa"]);
  assert.ok(versions.some(({ v }) => existsSync(v.bundleFile)));
});

test("a required dependency in the style of auth-helper-plugin, with ^ and comma-joined ranges", () => {
  const deps = versions.flatMap(({ m }) => m.requirements?.dependencies ?? []);
  const auth = deps.filter((d) => d.name === "cloud-auth-helper" && !d.optional);
  assert.ok(auth.some((d) => d.version_constraint.startsWith("^")));
  assert.ok(auth.some((d) => d.version_constraint === ">=1.2.0,<2.0.0"));
  assert.ok(
    new Set(versions.filter(({ m }) => m.requirements?.dependencies?.length).map(({ p }) => p.name)).size >=
      3,
  );
});

test("an optional dependency", () => {
  assert.ok(versions.some(({ m }) => m.requirements?.dependencies?.some((d) => d.optional === true)));
});

test("a yanked version, with a reason, that a ^ range would otherwise pick", () => {
  const picked = reg.plugins.some((p) =>
    Object.entries(p.entry.yanked ?? {}).some(([yanked, reason]) => {
      const all = p.versions.map((v) => v.version);
      const caret = `^${semver.major(yanked)}.0.0`;
      const dependedOn = versions.some(({ m }) =>
        m.requirements?.dependencies?.some(
          (d) => d.name === p.name && semver.satisfies(yanked, toRange(d.version_constraint)),
        ),
      );
      return reason.length > 20 && semver.maxSatisfying(all, caret) === yanked && dependedOn;
    }),
  );
  assert.ok(picked);
});

test("a deprecated plugin with a migration message naming its successor", () => {
  const deprecated = reg.plugins.filter((p) => p.entry.deprecated);
  assert.ok(deprecated.length >= 1);
  assert.ok(
    deprecated.some((p) => reg.plugins.some((q) => q !== p && p.entry.deprecation_message?.includes(q.name))),
  );
});

test("a prerelease version", () => {
  assert.ok(versions.some(({ v }) => semver.prerelease(v.version) !== null));
});

test("one .zip archive beside the .tar.gz ones, and a container image pinned by digest", () => {
  const names = versions.map(({ m }) => artifactFileName(m) ?? "");
  assert.ok(names.some((n) => n.endsWith(".zip")));
  assert.ok(names.some((n) => n.endsWith(".tar.gz")));
  assert.ok(
    versions.some(({ m }) => /^ghcr\.io\/[^@]+@sha256:[0-9a-f]{64}$/.test(m.installation.download_url ?? "")),
  );
});

test("security levels never go down from one version of a plugin to the next", () => {
  const rank = ["untrusted", "community", "verified", "official"];
  for (const p of reg.plugins) {
    const sorted = [...p.versions].sort((a, b) => semver.compare(a.version, b.version));
    for (let i = 1; i < sorted.length; i++) {
      const before = rank.indexOf(sorted[i - 1]!.manifest.security?.security_level ?? "untrusted");
      const after = rank.indexOf(sorted[i]!.manifest.security?.security_level ?? "untrusted");
      assert.ok(after >= before, `${p.name} ${sorted[i]!.version}`);
    }
  }
});

test("install-time steps: an install_script, pre_install_checks and post_install_steps somewhere", () => {
  assert.ok(versions.some(({ m }) => m.installation.install_script));
  assert.ok(versions.some(({ m }) => m.installation.pre_install_checks?.length));
  assert.ok(versions.some(({ m }) => m.installation.post_install_steps?.length));
});
