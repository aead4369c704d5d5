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
    // astro check type-checks the .astro components and every .ts file of site/ (site/tsconfig.json),
    // browser scripts included; it runs `astro sync` first, so it works on a fresh clone.
    name: "type check the site (astro check)",
    cmd: "astro",
    args: ["check", "--root", "site"],
  },
  {
    name: "browser for the site tests (chromium)",
    cmd: process.execPath,
    args: ["scripts/ensure-chromium.ts"],
  },
  {
    name: "sandbox for the plugin launch tests (bubblewrap)",
    cmd: process.execPath,
    args: ["scripts/ensure-bubblewrap.ts"],
  },
  {
    // The tests that run bin/finfocus-registry.js run the bundle (as an installed CLI does).
    name: "bundle the CLI (esbuild)",
    cmd: process.execPath,
    args: ["scripts/build-cli.ts"],
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
  const result = spawnSync(step.cmd, step.args, {
    stdio: "inherit",
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(
      `\n${step.name} failed after ${seconds}s (exit ${result.status ?? result.signal}).\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`== ${step.name}: ok in ${seconds}s\n`);
}
