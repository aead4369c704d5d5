import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { commands } from "../../cli/commands.ts";
import { main } from "../../cli/main.ts";
import { ROOT } from "../seeds.ts";
import type { FuzzTarget } from "../target.types.ts";

/**
 * The commands a user runs against a registry and a plugin folder. Left out: those that serve,
 * run plugins or write where an argument says (serve, daemon, run, build, gate, launcher, tuf).
 */
const COMMANDS = [
  "validate",
  "verify",
  "search",
  "info",
  "install",
  "update",
  "remove",
  "list",
  "config",
  "health",
  "doctor",
  "approve",
] as const;

/**
 * Options never fuzzed: where the command writes (the fuzzer keeps those in its own folder), and
 * what waits or launches by design (`health --watch`, `--launch`).
 */
const FIXED = new Set([
  "plugin-dir",
  "cache-dir",
  "backup",
  "out",
  "keys",
  "watch",
  "every",
  "count",
  "launch",
]);

const REGISTRY = path.join(ROOT, "registry");
const MANIFEST = path.join(REGISTRY, "plugins", "aws-cost-explorer", "versions", "1.0.0.json");

/** The bundled registry's plugins, as users name them. */
const PLUGINS = [
  "aws-cost-explorer",
  "gcp-billing-export",
  "cloud-auth-helper",
  "k8s-namespace-allocator",
  "carbon-footprint-estimator",
  "fx-rate-normalizer",
  "aws-cost-explorer@1.0.0",
  "aws-cost-explorer@^1",
  "aws-cost-explorer@>=9",
  "aws-cost-explorer@1.0.0 || 2",
  "cloud-auth-helper@2.0.0-beta.1",
];

/**
 * What users type, and what they should not: devices too (a file option given /dev/zero is refused,
 * never read). Not /dev/stdin: what it is depends on how the fuzzer was started.
 */
const TOKENS = [
  ...PLUGINS,
  "aws-cost-explorer@latest",
  "Aws-Cost-Explorer",
  "a",
  "a-",
  "",
  "-",
  "--",
  "@",
  "a@",
  "@1.0.0",
  "x".repeat(300),
  "http://[",
  "http://127.0.0.1:1/",
  "https://",
  "a:b",
  "gopher://mirror.example.test/",
  "file:///nonexistent",
  "file://host/share",
  "../../etc/passwd",
  ".",
  "/",
  "/dev/null",
  "/dev/zero",
  "/dev/urandom",
  "\0",
  "\n",
  "~",
  "1e309",
  "-1",
  "0",
  "NaN",
  "99999999999999999999",
  "0.5",
  "true",
  "json",
  "text",
  "%ZZ",
  "\u202e",
  "region=us-east-1",
  "=",
  "a=b=c",
  "api_token=x",
  "--yes",
  "--format=json",
  "-y",
  "--help",
  MANIFEST,
  REGISTRY,
  `${REGISTRY}/config.json`,
];

export interface CliInput {
  argv: string[];
}

let workspace: { dir: string; base: string[] } | undefined;

/**
 * A folder of its own: the plugin folder, the cache, HOME, and a discovery configuration with the
 * bundled registry as a filesystem source, the artifacts taken from demo/artifacts.
 */
function setup(): { dir: string; base: string[] } {
  if (workspace) return workspace;
  const dir = mkdtempSync(path.join(tmpdir(), "ffr-fuzz-cli-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  process.env.HOME = dir;
  const config = path.join(dir, "discovery.json");
  writeFileSync(config, JSON.stringify({ discovery_sources: [{ type: "filesystem", path: REGISTRY }] }));
  workspace = {
    dir,
    base: [
      "--plugin-dir",
      path.join(dir, "plugins"),
      "--cache-dir",
      path.join(dir, "cache"),
      "--config",
      config,
      "--artifact-mirror",
      path.join(ROOT, "demo", "artifacts"),
    ],
  };
  return workspace;
}

/**
 * The CLI in process, on argument lists built from each command's own options and values users
 * type (and should not). Contract: an exit status of 0, 1 or 2 through a coded error, never
 * INTERNAL_ERROR (an exception the CLI did not expect), whatever the arguments.
 */
export const cliTarget: FuzzTarget<CliInput> = {
  name: "cli",
  description: "the CLI's commands on argument lists made of their options and odd values",
  async arbitrary() {
    const value = fc.oneof(
      { arbitrary: fc.constantFrom(...TOKENS), weight: 4 },
      { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
    );
    // Mostly plugins that exist, so installs, updates and removals get past their first check.
    const positional = fc.oneof(
      { arbitrary: fc.constantFrom(...PLUGINS), weight: 3 },
      { arbitrary: value, weight: 1 },
    );
    const byName = new Map(commands.map((c) => [c.name, c]));
    return fc.constantFrom(...COMMANDS).chain((name) => {
      const options = Object.entries(byName.get(name)?.options ?? {}).filter(([o]) => !FIXED.has(o));
      const option =
        options.length === 0
          ? fc.constant([] as string[])
          : fc
              .tuple(fc.constantFrom(...options), value)
              .map(([[o, spec], v]) => (spec.type === "boolean" ? [`--${o}`] : [`--${o}`, v]));
      return fc
        .record({
          positionals: fc.array(positional, { maxLength: 3 }),
          options: fc.array(option, { maxLength: 3 }),
          json: fc.boolean(),
        })
        .map(({ positionals, options: chosen, json }) => ({
          argv: [name, ...positionals, ...chosen.flat(), ...(json ? ["--format", "json"] : [])],
        }));
    });
  },
  async check({ argv }) {
    const { dir, base } = setup();
    const [name, ...rest] = argv;
    const runner = commands.find((c) => c.name === name)?.options["plugin-dir"] !== undefined;
    let stdout = "";
    let stderr = "";
    const start = performance.now();
    const status = await main([name ?? "", ...(runner ? base : []), ...rest], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      cwd: dir,
      env: { HOME: dir, PATH: process.env.PATH ?? "", NO_COLOR: "1" },
      isTTY: false,
    });
    const ms = performance.now() - start;
    if (![0, 1, 2].includes(status)) throw new Error(`exit status ${status}`);
    if (/INTERNAL_ERROR/.test(stdout + stderr))
      throw new Error(`INTERNAL_ERROR for ${JSON.stringify(argv)}:\n${stdout}${stderr}`.slice(0, 4000));
    return { ms };
  },
  encode: (input) => input,
  decode: (saved) => saved as CliInput,
};
