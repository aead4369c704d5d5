/**
 * The release check says what the registry's gate will say before any pull request exists: where
 * it cannot verify (no config.json at the registry path, no entry for a first version), it refuses
 * with the gate's codes instead of passing silently.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { memorySource } from "../../core/registry/registry-fs.ts";
import { checkProposal } from "../../release/check.ts";
import { configJson, entryJson, manifestJson } from "../action/fixture.ts";

const artifact = new TextEncoder().encode("newplug 1.0.0 artifact");
const checksum = createHash("sha256").update(artifact).digest("hex");
const proposal = {
  name: "newplug",
  version: "1.0.0",
  manifest: new TextEncoder().encode(
    manifestJson("newplug", "1.0.0", { url: "https://example.com/newplug-1.0.0.tar.gz", checksum }),
  ),
};
const trust = { tufCachePath: tmpdir(), now: new Date() };
const codes = (r: { findings: { code: string; file: string }[] }) =>
  r.findings.map((f) => `${f.code} ${f.file}`);

test("no config.json at the registry path: CONFIG_INVALID, not a silent pass", async () => {
  const r = await checkProposal(
    memorySource({}),
    { ...proposal, entry: new TextEncoder().encode(entryJson("newplug")) },
    artifact,
    trust,
  );
  assert.ok(codes(r).includes("CONFIG_INVALID config.json"), codes(r).join("\n"));
});

test("a first version with no entry.json, in the registry or the release: ENTRY_INVALID", async () => {
  const r = await checkProposal(memorySource({ "config.json": configJson() }), proposal, artifact, trust);
  assert.ok(codes(r).includes("ENTRY_INVALID plugins/newplug/entry.json"), codes(r).join("\n"));
});

test("with both, the same proposal passes", async () => {
  const r = await checkProposal(
    memorySource({ "config.json": configJson() }),
    { ...proposal, entry: new TextEncoder().encode(entryJson("newplug")) },
    artifact,
    trust,
  );
  assert.deepEqual(
    r.findings.filter((f) => f.severity === "error").map((f) => f.code),
    [],
  );
});
