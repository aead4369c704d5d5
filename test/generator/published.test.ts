import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { parseGitLog } from "../../generator/published.ts";
import { readGitDates } from "../../generator/published-git.ts";
import { generationTime, isoSeconds } from "../../generator/time.ts";
import { build, copyFixture, gitAt, tempDir } from "./helpers.ts";

const git = (cwd: string, args: string[], date?: string): void => void gitAt(cwd, args, date);

test("parseGitLog keeps, per file, the newest addition and the newest commit time", () => {
  const log =
    "\x1eaaa 2025-03-01T10:00:00+01:00\0\nM\0plugins/x/entry.json\0" +
    "\x1ebbb 2025-02-01T00:00:00Z\0\nA\0plugins/x/versions/1.1.0.json\0A\0plugins/x/versions/ü 1.json\0" +
    "\x1eccc 2025-01-01T00:00:00Z\0\nA\0plugins/x/versions/1.1.0.json\0A\0plugins/x/versions/1.0.0.json\0";
  const dates = parseGitLog(log);
  assert.equal(dates.newest, "2025-03-01T09:00:00Z");
  assert.deepEqual(Object.fromEntries(dates.published), {
    "plugins/x/versions/1.1.0.json": "2025-02-01T00:00:00Z",
    "plugins/x/versions/ü 1.json": "2025-02-01T00:00:00Z",
    "plugins/x/versions/1.0.0.json": "2025-01-01T00:00:00Z",
  });
});

test("published_at comes from the commit that added each manifest, in a registry inside a git repo", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const repo = path.join(dir, "repo");
    execFileSync("mkdir", ["-p", repo]);
    const registry = copyFixture(repo);
    const v110 = path.join(registry, "plugins/alpha-cost/versions/1.1.0.json");
    const held = readFileSync(v110);
    execFileSync("rm", [v110]);
    writeFileSync(
      path.join(registry, "plugins/alpha-cost/entry.json"),
      readFileSync(path.join(registry, "plugins/alpha-cost/entry.json"), "utf8").replace(
        /"yanked"[\s\S]*?\}/,
        '"yanked": {}',
      ),
    );
    git(repo, ["init", "-q"]);
    git(repo, ["add", "."]);
    git(repo, ["commit", "-qm", "first"], "2025-05-01T12:00:00Z");
    writeFileSync(v110, held);
    git(repo, ["add", "."]);
    git(repo, ["commit", "-qm", "second"], "2025-05-02T08:30:00Z");

    const dates = await readGitDates(registry);
    assert.equal(dates?.published.get("plugins/alpha-cost/versions/1.0.0.json"), "2025-05-01T12:00:00Z");
    assert.equal(dates?.published.get("plugins/alpha-cost/versions/1.1.0.json"), "2025-05-02T08:30:00Z");
    assert.equal(dates?.newest, "2025-05-02T08:30:00Z");

    const result = await build(registry, path.join(dir, "out"), { SOURCE_DATE_EPOCH: "" });
    assert.deepEqual(result.findings, []);
    const alpha = result.model?.plugins.find((p) => p.name === "alpha-cost");
    assert.deepEqual(
      alpha?.parts.versions.map((v) => [v.version, v.published_at]),
      [
        ["1.0.0", "2025-05-01T12:00:00Z"],
        ["1.1.0", "2025-05-02T08:30:00Z"],
        ["2.0.0-rc.1", "2025-05-01T12:00:00Z"],
      ],
    );
    // Without SOURCE_DATE_EPOCH, the generation time is the newest registry commit: reproducible.
    assert.equal(result.model?.generated_at, "2025-05-02T08:30:00Z");
  } finally {
    cleanup();
  }
});

test("outside git, published_at falls back to the manifest's updated_at", async () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(await readGitDates(dir), undefined);
    const result = await build(copyFixture(dir), path.join(dir, "out"));
    const gamma = result.model?.plugins.find((p) => p.name === "gamma-multi");
    assert.deepEqual(
      gamma?.parts.versions.map((v) => v.published_at),
      ["2024-11-05T08:30:00Z", "2025-04-02T16:45:00Z"],
    );
  } finally {
    cleanup();
  }
});

test("SOURCE_DATE_EPOCH fixes the generation time; otherwise the newest commit, then the clock", () => {
  assert.equal(
    generationTime({ SOURCE_DATE_EPOCH: "1767225600" }, "2025-01-01T00:00:00Z"),
    "2026-01-01T00:00:00Z",
  );
  assert.equal(generationTime({}, "2025-01-01T00:00:00Z"), "2025-01-01T00:00:00Z");
  assert.equal(
    generationTime({ SOURCE_DATE_EPOCH: "soon" }, undefined, () => new Date(0)),
    "1970-01-01T00:00:00Z",
  );
});

test("isoSeconds gives what Date gives for every time, its fast path for times already in its form included", () => {
  // What isoSeconds meant before its fast path: through a Date, always.
  const viaDate = (value: string): string | undefined => {
    const date = new Date(value);
    return value === "" || Number.isNaN(date.getTime())
      ? undefined
      : date.toISOString().replace(/\.\d{3}Z$/, "Z");
  };
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const values = [
    "",
    "2025-02-30T00:00:00Z", // Date rolls it over into March
    "2025-04-31T12:00:00Z",
    "2025-01-01T24:00:00Z", // the next day
    "2025-01-01T23:59:60Z",
    "2025-01-01T00:00:00.123Z",
    "2025-01-01T00:00:00+02:00",
    "2025-01-01t00:00:00z",
    "2025-01-01",
    "0000-01-01T00:00:00Z",
    "９９９９-01-01T00:00:00Z",
    "2025-01-01T00:00:00Z\n",
  ];
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (const year of [1900, 2000, 2023, 2024, 2100, 2400, 9999]) {
    for (let month = 0; month <= 13; month++) {
      for (const day of [0, 1, 28, 29, 30, 31, 32]) {
        values.push(
          `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(next(26), 2)}:${pad(next(61), 2)}:${pad(next(62), 2)}Z`,
        );
      }
    }
  }
  for (const value of values) assert.equal(isoSeconds(value), viaDate(value), JSON.stringify(value));
  assert.equal(isoSeconds("2024-02-29T23:59:59Z"), "2024-02-29T23:59:59Z");
  assert.equal(isoSeconds("2025-02-29T00:00:00Z"), "2025-03-01T00:00:00Z");
});
