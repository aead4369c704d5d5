import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { homeFolder } from "../core/home.ts";
import { readLocalFile } from "../core/json/local-file.ts";
import { systemClock } from "../core/net/fetcher.types.ts";
import { mirrorSetting } from "../core/net/mirror.ts";
import { terminalReturn } from "../core/text/terminal.ts";
import { resolvedHttpUrl } from "../core/url-policy.ts";
import { createHttpFetcher } from "../net/http-fetcher.ts";
import {
  loadDiscoveryConfig,
  sourcesFromConfig,
  trustFromRegistryConfig,
} from "../runner/config/load-config.ts";
import { findContainerEngine } from "../runner/container/engine.ts";
import type { Approval, RunnerContext, RunnerEvent } from "../runner/context.ts";
import { createContext, DEFAULT_REGISTRY_URL, tufSettings } from "../runner/create-context.ts";
import type { CliIO, OptionsSpec, Values } from "./command.types.ts";
import { UsageError } from "./errors.ts";
import { colour, printable } from "./output.ts";
import { renderFindings } from "./render-findings.ts";

const GROUP = "Registry options";

/**
 * The options every runner command takes (docs/runner.md): spread them into a command's options.
 */
export const RUNNER_OPTIONS = {
  config: {
    type: "string",
    value: "FILE",
    help: "discovery config (the spec's registry_config)",
    group: GROUP,
  },
  "registry-url": {
    type: "string",
    value: "URL",
    help: `registry root (default ${DEFAULT_REGISTRY_URL})`,
    group: GROUP,
  },
  "plugin-dir": { type: "string", value: "DIR", help: "default ~/.finfocus/plugins", group: GROUP },
  "cache-dir": { type: "string", value: "DIR", help: "default ~/.finfocus/cache", group: GROUP },
  yes: {
    type: "boolean",
    short: "y",
    help: "approve prompts (permissions, untrusted plugins, minor updates)",
    group: GROUP,
  },
  offline: { type: "boolean", help: "use only cached registry documents", group: GROUP },
  "container-engine": {
    type: "string",
    value: "NAME|PATH",
    help: "podman, docker or a path to one, for container plugins (default: the first on PATH; none: the built-in pull)",
    group: GROUP,
  },
  "artifact-mirror": {
    type: "string",
    value: "URL|DIR",
    help: "take artifacts by file name from this URL or folder (still verified)",
    group: GROUP,
  },
  "allow-loopback-http": {
    type: "boolean",
    help: "allow plain http:// to 127.0.0.1, localhost and [::1] only",
    group: GROUP,
  },
  "spec-version": {
    type: "string",
    value: "X.Y.Z",
    help: "the host's spec version (default the current one)",
    group: GROUP,
  },
  "registry-config": {
    type: "string",
    value: "FILE",
    help: "trust anchors out of band: a registry's config.json",
    group: GROUP,
  },
  "finfocus-config": {
    type: "string",
    value: "FILE",
    help: "the FinFocus CLI's config.yaml that installs keep in step ('none': leave it alone; default <dir>/config.yaml for a plugin dir <dir>/plugins, else none)",
    group: GROUP,
  },
  "require-tuf": {
    type: "boolean",
    help: "refuse a registry that publishes no TUF metadata (signed index)",
    group: GROUP,
  },
  "tuf-root": {
    type: "string",
    value: "FILE",
    help: "trust this TUF root (a <N>.root.json) instead of the registry's first one",
    group: GROUP,
  },
} as const satisfies OptionsSpec;

/** A repeatable or comma-separated list option's items. */
export function listValues(value: readonly string[] | string | undefined): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return items
    .flatMap((i) => String(i).split(","))
    .map((i) => i.trim())
    .filter(Boolean);
}

/** The context for one CLI invocation: flags, then the config file, then defaults. */
export async function contextFromArgs(
  values: Values<typeof RUNNER_OPTIONS>,
  io: CliIO,
  extra: { allowScripts?: boolean; allowPermissions?: string[]; healthCheck?: boolean } = {},
): Promise<RunnerContext> {
  // The trust state's folder is always below it (no flag names it).
  const home = homeFolder(io.env);
  const str = (k: keyof typeof RUNNER_OPTIONS) => {
    const v = values[k];
    return typeof v === "string" ? v : undefined;
  };
  const configFile = str("config");
  const loaded = configFile ? await loadDiscoveryConfig(resolve(io.cwd, configFile), io.env) : undefined;
  if (loaded && loaded.warnings.length > 0) io.stderr(`${renderFindings(loaded.warnings)}\n`);
  const settings = loaded?.settings;
  const allowLoopbackHttp = values["allow-loopback-http"] === true;
  const fetcher = createHttpFetcher({ allowLoopbackHttp });
  const cacheDir = resolve(
    io.cwd,
    str("cache-dir") ?? settings?.cacheDirectory ?? join(home, ".finfocus", "cache"),
  );
  const offline = values.offline === true;
  const registryUrl = str("registry-url");
  if (registryUrl !== undefined && resolvedHttpUrl(registryUrl) === undefined)
    throw new UsageError(`--registry-url ${JSON.stringify(registryUrl.slice(0, 300))} is not an http(s) URL`);
  const tufRoot = str("tuf-root");
  const tuf = tufSettings({
    tuf: {
      dir: join(home, ".finfocus", "tuf"),
      ...(tufRoot ? { root: await readLocalFile(resolve(io.cwd, tufRoot), "TUF root", 1024 * 1024) } : {}),
      ...(values["require-tuf"] === true ? { required: true } : {}),
    },
    offline,
  });
  const sources =
    settings && !registryUrl
      ? sourcesFromConfig(settings, {
          fetcher,
          urlPolicy: { allowLoopbackHttp },
          clock: systemClock,
          cacheDir,
          offline,
          tuf,
          baseDir: dirname(resolve(io.cwd, configFile ?? ".")),
        })
      : undefined;
  const isTTY = io.isTTY && Boolean(process.stdin.isTTY);
  const registryConfig = str("registry-config");
  const trust = registryConfig ? await trustFromRegistryConfig(resolve(io.cwd, registryConfig)) : undefined;
  const containerEngine = await findContainerEngine(str("container-engine"), io.env).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const given = str("artifact-mirror");
  // The gate's meaning too (core/net/mirror.ts): a folder made absolute, or a base URL.
  const setting = given ? mirrorSetting(given, io.cwd) : undefined;
  if (setting && "problem" in setting) throw new UsageError(`--artifact-mirror: ${setting.problem}`);
  const mirror = setting?.mirror;
  const spec = str("spec-version");
  const finfocusConfig = str("finfocus-config");
  return createContext({
    pluginDir: resolve(
      io.cwd,
      str("plugin-dir") ?? settings?.pluginDir ?? join(home, ".finfocus", "plugins"),
    ),
    ...(finfocusConfig
      ? { finfocusConfig: finfocusConfig === "none" ? false : resolve(io.cwd, finfocusConfig) }
      : {}),
    cacheDir: join(cacheDir, "registry"),
    artifactCacheDir: join(cacheDir, "artifacts"),
    ...(settings?.concurrentDiscoveries ? { concurrentDiscoveries: settings.concurrentDiscoveries } : {}),
    ...(registryUrl ? { registryUrl } : {}),
    ...(sources ? { sources } : {}),
    ...(settings?.policy ? { policy: { prompt_for_untrusted: true, ...settings.policy } } : {}),
    ...(io.env.FINFOCUS_REGISTRY_API_KEY ? { apiKey: io.env.FINFOCUS_REGISTRY_API_KEY } : {}),
    allowLoopbackHttp,
    offline,
    fetcher,
    ...(mirror ? { artifactMirror: mirror } : {}),
    ...(spec ? { specVersion: spec } : {}),
    yes: values.yes === true,
    allowScripts: extra.allowScripts === true,
    ...(containerEngine ? { containerEngine } : {}),
    ...(extra.healthCheck !== undefined ? { healthCheck: extra.healthCheck } : {}),
    allowPermissions: extra.allowPermissions ?? [],
    ...(isTTY ? { approve: (a: Approval) => prompt(a, io) } : {}),
    onEvent: (event) => renderEvent(event, io),
    ...(trust ? { trust } : {}),
    tuf,
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

function renderEvent(event: RunnerEvent, io: CliIO): void {
  if (event.kind === "warning") io.stderr(`${colour(io, "33", "warning")}: ${printable(event.message)}\n`);
  else if (event.kind === "download" && io.isTTY) {
    const pct = event.total ? Math.floor((event.received / event.total) * 100) : undefined;
    const width = 24;
    const bar = pct === undefined ? "" : `[${"#".repeat((pct * width) / 100).padEnd(width)}] ${pct}%`;
    io.stderr(
      `${terminalReturn()}${printable(event.plugin)} ${bar} ${(event.received / 1024).toFixed(0)} KiB`,
    );
    if (event.total && event.received >= event.total) io.stderr("\n");
  }
}

/** An installed plugin as the CLI prints it: the per-file digests stay in the state file. */
export function withoutDigests<T extends { files?: unknown }>(plugin: T): Omit<T, "files"> {
  const { files: _files, ...rest } = plugin;
  return rest;
}
