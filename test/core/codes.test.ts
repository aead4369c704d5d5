import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CODES, type CodeInfo, exitStatusOf, SECTIONS } from "../../core/codes/codes.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Folders whose code raises codes (tests and the catalogue itself do not count). */
const SOURCE = ["core", "runner", "generator", "action", "release", "site", "cli", "net", "service"];

function sources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string): void => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) walk(rel);
      } else if (/\.(ts|astro)$/.test(e.name) && !rel.startsWith("core/codes/")) {
        out.push({ file: rel, text: readFileSync(path.join(root, rel), "utf8") });
      }
    }
  };
  for (const dir of SOURCE) walk(dir);
  return out;
}

test("docs/findings.md is generated from the catalogue (run node scripts/generate-codes-doc.ts)", () => {
  const r = spawnSync(process.execPath, [`${root}scripts/generate-codes-doc.ts`, "--check"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
});

test("every code in the catalogue is raised somewhere (a code nothing raises is removed)", () => {
  const files = sources();
  const unraised = Object.keys(CODES).filter(
    (code) =>
      !files.some(({ text }) =>
        text.split("\n").some((line) => line.includes(`"${code}"`) && !/[!=]==/.test(line)),
      ),
  );
  assert.deepEqual(unraised, []);
});

test("no code is raised that the catalogue does not list", () => {
  const strays: string[] = [];
  for (const { file, text } of sources()) {
    for (const m of text.matchAll(/\bcode\s*[:=]\s*"([A-Z][A-Z0-9_]{2,})"/g)) {
      if (!Object.hasOwn(CODES, m[1] as string)) strays.push(`${file}: ${m[1]}`);
    }
  }
  assert.deepEqual(strays, []);
});

test("every entry says what it is, in one line, under a documented section", () => {
  const sections = new Set(SECTIONS.map((s) => s.id));
  for (const [code, info] of Object.entries(CODES) as [string, CodeInfo][]) {
    assert.ok(info.severity || info.exit || info.http, `${code} is neither finding, error nor API error`);
    assert.ok(sections.has(info.section), `${code}: unknown section ${info.section}`);
    assert.ok(!info.meaning.includes("\n") && info.meaning.length <= 200, `${code}: one line`);
  }
  assert.equal(exitStatusOf("USAGE"), 2);
  assert.equal(exitStatusOf("CHECKSUM_MISMATCH"), 1);
  assert.equal(exitStatusOf("MANIFEST_INVALID"), 1);
  assert.equal(exitStatusOf("SOMETHING_ELSE"), 2);
});

test("the specification's codes are used where one fits", () => {
  for (const code of [
    "MANIFEST_INVALID",
    "INVALID_VERSION",
    "DEPENDENCY_NOT_FOUND",
    "SIGNATURE_VERIFICATION_FAILED",
    "CHECKSUM_MISMATCH",
    "PLUGIN_NOT_FOUND",
    "DOWNLOAD_FAILED",
    "EXTRACTION_FAILED",
    "PERMISSIONS_ERROR",
    "SYSTEM_REQUIREMENTS_NOT_MET",
    "DISCOVERY_SOURCE_UNREACHABLE",
  ]) {
    assert.ok(Object.hasOwn(CODES, code), code);
  }
});
