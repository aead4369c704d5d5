import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import semver from "semver";
import { loadDemoRegistry } from "../../scripts/demo/demo-registry.ts";

import { upstreamFile } from "../upstream.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const reg = loadDemoRegistry(join(repo, "registry"));
const all = reg.plugins.flatMap((p) => p.versions.map((v) => ({ plugin: p, v, m: v.manifest })));
/** The upstream spec is reference data beside the project, not part of it (test/upstream.ts). */
const upstream = upstreamFile("finfocus-spec", "schemas", "plugin_manifest.schema.json");
/** `host/path@sha256:<64 hex>` or `host/path:tag`: an OCI image reference. */
const OCI_REF = /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$/;

test("every manifest validates against the upstream manifest schema (container image refs aside)", (t) => {
  if (!existsSync(upstream)) {
    t.skip(
      `upstream schema not found at ${upstream}: it is a reference checkout beside the repo, not part of it`,
    );
    return;
  }
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(upstream, "utf8")));
  for (const { v, m } of all) {
    validate(m);
    const container = m.installation.installation_method === "container";
    // Upstream's `uri` format refuses an OCI reference; the registry's own schema accepts it.
    const errors = (validate.errors ?? []).filter(
      (e: ErrorObject) =>
        !(container && e.instancePath === "/installation/download_url" && e.keyword === "format"),
    );
    assert.deepEqual(errors, [], v.file);
    if (container) assert.match(m.installation.download_url ?? "", OCI_REF, v.file);
  }
});

test("name and version match the path; URLs are https; timestamps and spec versions are ordered", () => {
  for (const { plugin, v, m } of all) {
    assert.equal(m.metadata.name, plugin.name, v.file);
    assert.equal(basename(dirname(dirname(v.file))), plugin.name);
    assert.equal(`${m.metadata.version}.json`, basename(v.file));
    assert.match(m.metadata.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const url of [m.metadata.homepage, m.metadata.repository]) assert.match(url ?? "", /^https:\/\//);
    if (m.installation.installation_method !== "container") {
      assert.match(m.installation.download_url ?? "", /^https:\/\/[^@]+$/, v.file);
    }
    assert.ok(Date.parse(m.metadata.created_at!) <= Date.parse(m.metadata.updated_at!), v.file);
    const r = m.requirements!;
    assert.ok(semver.lte(r.min_spec_version!, m.specification.spec_version), v.file);
    assert.ok(semver.lte(m.specification.spec_version, r.max_spec_version!), v.file);
    assert.ok(semver.satisfies(reg.config.spec_version, `>=${r.min_spec_version} <=${r.max_spec_version}`));
    for (const provider of Object.keys(m.specification.supported_resources ?? {})) {
      assert.ok(m.specification.supported_providers.includes(provider as never), `${v.file}: ${provider}`);
    }
  }
});

test("configuration: schema, default_config and examples are JSON; defaults and examples validate", () => {
  let configured = 0;
  for (const { v, m } of all) {
    // A plugin without settings (the demo's real plugin, aws-rate-card) declares none.
    const c = m.configuration;
    if (!c) continue;
    configured++;
    const schema = JSON.parse(c.schema!);
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    assert.ok(
      validate(JSON.parse(c.default_config!)),
      `${v.file} default_config: ${JSON.stringify(validate.errors)}`,
    );
    assert.ok((c.examples ?? []).length > 0, v.file);
    for (const ex of c.examples ?? []) {
      assert.ok(validate(JSON.parse(ex.config)), `${v.file} ${ex.name}: ${JSON.stringify(validate.errors)}`);
    }
    for (const field of c.required_fields ?? []) assert.ok(field in schema.properties, `${v.file}: ${field}`);
  }
  assert.ok(configured >= 20, `only ${configured} manifests declare configuration`);
});

/** The spec's comma-joined ranges (`>=1.2.0,<2.0.0`) as a semver range. */
const toRange = (constraint: string): string => constraint.split(",").join(" ");

test("every dependency resolves to a published, non-yanked, non-prerelease version", () => {
  for (const { v, m } of all) {
    for (const dep of m.requirements?.dependencies ?? []) {
      const target = reg.plugins.find((p) => p.name === dep.name);
      assert.ok(target, `${v.file}: ${dep.name} is not in the registry`);
      const yanked = target.entry.yanked ?? {};
      const candidates = target.versions.map((x) => x.version).filter((x) => !(x in yanked));
      assert.ok(semver.maxSatisfying(candidates, toRange(dep.version_constraint)), `${v.file}: ${dep.name}`);
    }
  }
});

test("entry.json and config.json follow the registry contract", () => {
  const c = reg.config;
  assert.equal(c.spec_version, "0.1.0");
  assert.match(c.base_url, /^https:\/\//);
  assert.equal(c.allow_loopback_http, false);
  assert.ok(c.maintainers.every((a) => Number.isInteger(a.github_id) && a.login.length > 0));
  assert.ok((c.official_signers?.keys ?? []).length > 0);
  assert.ok(c.sigstore_trusted_root && existsSync(join(reg.root, c.sigstore_trusted_root)));
  for (const p of reg.plugins) {
    assert.equal(p.entry.name, p.name);
    assert.match(p.entry.repository, /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/);
    assert.ok(p.entry.owners.length > 0 && p.entry.owners.every((a) => Number.isInteger(a.github_id)));
    for (const version of Object.keys(p.entry.yanked ?? {})) {
      assert.ok(
        p.versions.some((x) => x.version === version),
        `${p.name}: yanked ${version} does not exist`,
      );
    }
    if (p.entry.deprecated) assert.ok((p.entry.deprecation_message ?? "").length > 20, p.name);
    for (const m of p.versions.map((x) => x.manifest)) {
      assert.equal(m.metadata.repository, `https://github.com/${p.entry.repository}`);
    }
  }
});
