/**
 * The README's test command (`npm test`): formatter and linter, type check, then every test.
 * Each step streams its output; the first failing step fails the run.
 */
import { spawnSync } from "node:child_process";

const steps: { name: string; cmd: string; args: string[] }[] = [
  {
    name: "lint and format (biome)",
    cmd: "biome",
    args: ["ci", ...(process.stdout.isTTY ? [] : ["--colors=off"]), "."],
  },
  { name: "type check (tsc)", cmd: "tsc", args: ["--noEmit", "-p", "tsconfig.json"] },
  {
    name: "type check the site's browser scripts (tsc)",
    cmd: "tsc",
    args: ["--noEmit", "-p", "site/tsconfig.json"],
  },
  {
    name: "browser for the site tests (chromium)",
    cmd: process.execPath,
    args: ["scripts/ensure-chromium.ts"],
  },
  {
    name: "tests (node --test)",
    cmd: process.execPath,
    args: ["--test", "--test-concurrency=2", "--test-reporter=spec", "test/**/*.test.ts"],
  },
];

for (const step of steps) {
  process.stdout.write(`\n== ${step.name}\n`);
  const started = Date.now();
  const result = spawnSync(step.cmd, step.args, { stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(
      `\n${step.name} failed after ${seconds}s (exit ${result.status ?? result.signal}).\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`== ${step.name}: ok in ${seconds}s\n`);
}
