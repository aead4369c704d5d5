import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { loadDiscoveryConfig, sourcesFromConfig, trustFromRegistryConfig } from "../config/load-config.ts";
import type { Approval, RunnerContext, RunnerEvent } from "../context.ts";
import { createContext, DEFAULT_REGISTRY_URL } from "../create-context.ts";
import { RunnerError, type RunnerErrorCode } from "../errors.ts";
import { systemClock } from "../net/fetcher.types.ts";
import { createHttpFetcher } from "../net/fetcher-http.ts";
import type { CliIO } from "./command.types.ts";

/** Options every runner command takes (docs/runner.md). */
export const GLOBAL_OPTIONS = {
  config: { type: "string" },
  "registry-url": { type: "string" },
  "plugin-dir": { type: "string" },
  "cache-dir": { type: "string" },
  yes: { type: "boolean", short: "y" },
  format: { type: "string", default: "text" },
  offline: { type: "boolean" },
  "artifact-mirror": { type: "string" },
  "allow-loopback-http": { type: "boolean" },
  "spec-version": { type: "string" },
  "registry-config": { type: "string" },
  "finfocus-config": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export const GLOBAL_USAGE = `Global options:
  --config FILE             discovery config (the spec's registry_config; schemas/discovery-config.schema.json)
  --registry-url URL        registry root (where /.well-known/finfocus-registry.json is); default ${DEFAULT_REGISTRY_URL}
  --plugin-dir DIR          default ~/.finfocus/plugins
  --cache-dir DIR           default ~/.finfocus/cache
  --yes, -y                 approve prompts (permissions, untrusted plugins, minor updates)
  --format text|json        output for people or for scripts
  --offline                 use only cached registry documents
  --artifact-mirror URL     fetch artifacts by file name from this mirror (still verified)
  --allow-loopback-http     allow plain http:// to 127.0.0.1, localhost and [::1] only
  --spec-version X.Y.Z      the host's spec version (default the current one)
  --registry-config FILE    trust anchors out of band: the registry's config.json (official_signers,
                            sigstore_trusted_root), e.g. registry/config.json for the demo registry
  --finfocus-config FILE    the FinFocus CLI's config.yaml whose installed_plugins follows installs
                            ('none': leave it alone); default <dir>/config.yaml for a --plugin-dir
                            <dir>/plugins, so ~/.finfocus/config.yaml by default`;

export type Format = "text" | "json";

/** Parses a command's arguments with the global options; unknown options are usage errors. */
export function parseRunnerArgs(
  args: string[],
  options: ParseArgsConfig["options"] = {},
): {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  format: Format;
} {
  let parsed: {
    values: Record<string, string | boolean | (string | boolean)[] | undefined>;
    positionals: string[];
  };
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { ...GLOBAL_OPTIONS, ...options } });
  } catch (error) {
    throw new RunnerError("USAGE", (error as Error).message, {});
  }
  const format = parsed.values.format;
  if (format !== "text" && format !== "json")
    throw new RunnerError("USAGE", "--format must be text or json", {});
  return { ...parsed, format };
}

/** A string option's value, or undefined. */
export function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === "string" ? v : undefined;
}

/** A repeatable or comma-separated list option. */
export function list(values: Record<string, unknown>, key: string): string[] {
  const v = values[key];
  const items = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  return items
    .flatMap((i) => String(i).split(","))
    .map((i) => i.trim())
    .filter(Boolean);
}

type GlobalValues = Record<string, unknown>;

/** The context for one CLI invocation: flags, then the config file, then defaults. */
export async function contextFromArgs(
  values: GlobalValues,
  io: CliIO,
  extra: { allowScripts?: boolean; allowPermissions?: string[] } = {},
): Promise<RunnerContext> {
  const home = io.env.HOME ?? homedir();
  const str = (k: keyof typeof GLOBAL_OPTIONS) =>
    typeof values[k] === "string" ? (values[k] as string) : undefined;
  const configFile = str("config");
  const config = configFile ? await loadDiscoveryConfig(resolve(io.cwd, configFile)) : undefined;
  const settings = config?.registry_config.global_settings;
  const allowLoopbackHttp = values["allow-loopback-http"] === true;
  const fetcher = createHttpFetcher({
    allowLoopbackHttp,
    ...(settings?.timeout_seconds ? { timeoutMs: settings.timeout_seconds * 1000 } : {}),
  });
  const cacheDir = resolve(
    io.cwd,
    str("cache-dir") ?? settings?.cache_dir ?? join(home, ".finfocus", "cache"),
  );
  const offline = values.offline === true;
  const registryUrl = str("registry-url");
  const sources =
    config && !registryUrl
      ? sourcesFromConfig(config, {
          fetcher,
          clock: systemClock,
          cacheDir,
          offline,
          env: io.env,
          baseDir: dirname(resolve(io.cwd, configFile ?? ".")),
        })
      : undefined;
  const isTTY = io.isTTY && Boolean(process.stdin.isTTY);
  const registryConfig = str("registry-config");
  const trust = registryConfig ? await trustFromRegistryConfig(resolve(io.cwd, registryConfig)) : undefined;
  const mirror = str("artifact-mirror");
  const spec = str("spec-version");
  const finfocusConfig = str("finfocus-config");
  return createContext({
    pluginDir: resolve(
      io.cwd,
      str("plugin-dir") ?? settings?.plugin_dir ?? join(home, ".finfocus", "plugins"),
    ),
    ...(finfocusConfig
      ? { finfocusConfig: finfocusConfig === "none" ? false : resolve(io.cwd, finfocusConfig) }
      : {}),
    cacheDir: join(cacheDir, "registry"),
    artifactCacheDir: join(cacheDir, "artifacts"),
    ...(settings?.concurrent_discoveries ? { concurrentDiscoveries: settings.concurrent_discoveries } : {}),
    ...(registryUrl ? { registryUrl } : {}),
    ...(sources ? { sources } : {}),
    ...(settings?.cache_ttl_seconds !== undefined ? { cacheTtlSeconds: settings.cache_ttl_seconds } : {}),
    ...(settings?.security_policy
      ? { policy: { prompt_for_untrusted: true, ...settings.security_policy } }
      : {}),
    ...(io.env.FINFOCUS_REGISTRY_API_KEY ? { apiKey: io.env.FINFOCUS_REGISTRY_API_KEY } : {}),
    allowLoopbackHttp,
    offline,
    fetcher,
    ...(mirror ? { artifactMirror: mirror } : {}),
    ...(spec ? { specVersion: spec } : {}),
    yes: values.yes === true,
    allowScripts: extra.allowScripts === true,
    allowPermissions: extra.allowPermissions ?? [],
    ...(isTTY ? { approve: (a: Approval) => prompt(a, io) } : {}),
    onEvent: (event) => renderEvent(event, io),
    ...(trust ? { trust } : {}),
  });
}

async function prompt(approval: Approval, io: CliIO): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${approval.question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    void io;
  }
}

const colour = (io: CliIO, code: string, text: string) =>
  io.isTTY && !io.env.NO_COLOR ? `\x1b[${code}m${text}\x1b[0m` : text;

function renderEvent(event: RunnerEvent, io: CliIO): void {
  if (event.kind === "warning") io.stderr(`${colour(io, "33", "warning")}: ${event.message}\n`);
  else if (event.kind === "download" && io.isTTY) {
    const pct = event.total ? Math.floor((event.received / event.total) * 100) : undefined;
    const width = 24;
    const bar = pct === undefined ? "" : `[${"#".repeat((pct * width) / 100).padEnd(width)}] ${pct}%`;
    io.stderr(`\r${event.plugin} ${bar} ${(event.received / 1024).toFixed(0)} KiB`);
    if (event.total && event.received >= event.total) io.stderr("\n");
  }
}

/** Exit status of a runner error (docs/runner.md): 1 refused or failed a check, 2 usage, network or I/O. */
export function exitCodeFor(code: string): number {
  const two: string[] = [
    "USAGE",
    "DOWNLOAD_FAILED",
    "DISCOVERY_SOURCE_UNREACHABLE",
    "OFFLINE_CACHE_MISS",
    "INSTALL_LOCKED",
    "INSTALL_FAILED",
    "INSECURE_URL",
  ] satisfies RunnerErrorCode[];
  return two.includes(code) ? 2 : 1;
}

/** An installed plugin as the CLI prints it: the per-file digests stay in the state file. */
export function withoutDigests<T extends { files?: unknown }>(plugin: T): Omit<T, "files"> {
  const { files: _files, ...rest } = plugin;
  return rest;
}

/** Writes the result: JSON for scripts, text for people. */
export function output(io: CliIO, format: Format, value: unknown, text: () => string): void {
  io.stdout(format === "json" ? `${JSON.stringify(value, null, 2)}\n` : text());
}

/**
 * The runner commands' one catch: a RunnerError becomes the spec's error format
 * `{code, message, details}` (stdout in JSON mode, stderr in text mode) and its exit status;
 * anything else is rethrown to main's catch (exit 2).
 */
export async function runGuarded(
  name: string,
  io: CliIO,
  args: string[],
  body: (format: Format) => Promise<number>,
): Promise<number> {
  const format: Format =
    args.includes("--format=json") || args[args.indexOf("--format") + 1] === "json" ? "json" : "text";
  try {
    return await body(format);
  } catch (error) {
    if (!(error instanceof RunnerError)) throw error;
    if (format === "json") {
      io.stdout(
        `${JSON.stringify({ code: error.code, message: error.message, details: error.details }, null, 2)}\n`,
      );
    } else {
      io.stderr(`finfocus-registry ${name}: ${colour(io, "31", error.code)}: ${error.message}\n`);
      const versions = error.details.available_versions;
      if (Array.isArray(versions) && versions.length > 0)
        io.stderr(`  available versions: ${versions.join(", ")}\n`);
    }
    return exitCodeFor(error.code);
  }
}
