/**
 * Regenerates the generator's golden files (test/fixtures/generator/golden/) from the fixture
 * registry: `node scripts/update-golden.ts`, then review the diff like any other change.
 */
import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { build, copyFixture, GOLDEN_DIR, listTree, tempDir } from "../test/generator/helpers.ts";

const { dir, cleanup } = tempDir();
try {
  const out = path.join(dir, "out");
  const result = await build(copyFixture(dir), out);
  if (!result.published) {
    process.stderr.write(
      `the fixture registry does not validate:\n${JSON.stringify(result.findings, null, 2)}\n`,
    );
    process.exit(1);
  }
  rmSync(GOLDEN_DIR, { recursive: true, force: true });
  for (const file of listTree(out)) cpSync(path.join(out, file), path.join(GOLDEN_DIR, file));
  process.stdout.write(
    `wrote ${listTree(GOLDEN_DIR).length} golden files to ${path.relative(process.cwd(), GOLDEN_DIR)}\n`,
  );
} finally {
  cleanup();
}
