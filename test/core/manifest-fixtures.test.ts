/**
 * The table of manifest cases: each folder of test/fixtures/manifests holds an input (a lone
 * manifest, or a small registry) and case.json with the findings expected, by code and pointer.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { fsSource } from "../../core/registry/registry-fs.ts";
import { validateRegistryFiles } from "../../core/validate/validate-files.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";

const root = fileURLToPath(new URL("../fixtures/manifests/", import.meta.url));

interface Case {
  description: string;
  file: string;
  expect: { code: string; pointer: string }[];
}

const key = (f: { code: string; pointer: string }): string => `${f.code} ${f.pointer}`;

for (const name of readdirSync(root).sort()) {
  const dir = path.join(root, name);
  const spec = JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8")) as Case;
  test(`${name}: ${spec.description}`, async () => {
    const findings = spec.file.startsWith("registry/")
      ? (
          await validateRegistryFiles(fsSource(path.join(dir, "registry")), [
            spec.file.slice("registry/".length),
          ])
        ).findings
      : validateManifest(readFileSync(path.join(dir, spec.file)), spec.file).findings;
    assert.deepEqual(findings.map(key).sort(), spec.expect.map(key).sort());
    for (const f of findings) {
      assert.ok(f.message.length > 10, `a finding explains itself: ${key(f)}`);
      assert.ok(
        f.file.endsWith(spec.file.replace(/^registry\//, "")),
        `the finding names the file: ${f.file}`,
      );
      assert.ok(f.line === undefined || f.line >= 1);
    }
    if (spec.expect.length > 0 && !name.startsWith("json-too-deep")) {
      assert.ok(
        findings.every((f) => f.line !== undefined),
        "every finding in a file that could be read has a line and column",
      );
    }
  });
}
