import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MethodDefinition } from "@grpc/proto-loader";
import fc from "fast-check";
import type { Manifest } from "../../core/manifest.types.ts";
import { trustFromRegistryConfig } from "../../runner/config/load-config.ts";
import { createContext } from "../../runner/create-context.ts";
import { install } from "../../runner/ops/install.ts";
import { createFilesystemSource } from "../../runner/source/filesystem-source.ts";
import { manifestToProto } from "../../service/convert-manifest.ts";
import type { DaemonState, Handler } from "../../service/daemon.types.ts";
import { HealthMonitor } from "../../service/health-monitor.ts";
import { HealthStore } from "../../service/health-store.ts";
import { packageDefinition } from "../../service/proto.ts";
import {
  checkPluginHealth,
  discoverPlugins,
  getPluginManifest,
  listInstalledPlugins,
  validatePlugin,
} from "../../service/rpc-read.ts";
import { base64, fromBase64, runnerOutcome } from "../contract.ts";
import { mutate, mutationArbitrary } from "../mutate.ts";
import { filesUnder, ROOT } from "../seeds.ts";
import type { FuzzTarget } from "../target.types.ts";

/** The read methods: a client may call them as often as it likes, with any bytes. */
const HANDLERS = {
  DiscoverPlugins: discoverPlugins,
  GetPluginManifest: getPluginManifest,
  ValidatePlugin: validatePlugin,
  ListInstalledPlugins: listInstalledPlugins,
  CheckPluginHealth: checkPluginHealth,
} satisfies Record<string, Handler>;
type Method = keyof typeof HANDLERS;

export interface DaemonInput {
  method: Method;
  /** The request message's wire bytes (base64), as a client sends them. */
  bytes: string;
}

function definition(method: Method): MethodDefinition<object, object> {
  const service = packageDefinition()["finfocus.v1.PluginRegistryService"] as Record<
    string,
    MethodDefinition<object, object>
  >;
  return service[method] as MethodDefinition<object, object>;
}

const REGISTRY = path.join(ROOT, "registry");

/** Requests as clients write them: every field used, names that exist and names that do not. */
function seedRequests(): { method: Method; request: object }[] {
  const manifests = filesUnder(path.join(REGISTRY, "plugins"), (n) => /^\d.*\d\.json$/.test(n)).map(
    (file) => JSON.parse(readFileSync(file, "utf8")) as Manifest,
  );
  const names = [...new Set(manifests.map((m) => m.metadata.name))];
  return [
    { method: "DiscoverPlugins", request: {} },
    { method: "DiscoverPlugins", request: { filter: "aws*", include_installed: true } },
    {
      method: "DiscoverPlugins",
      request: { filter: "cost", sources: ["DISCOVERY_SOURCE_FILESYSTEM", "DISCOVERY_SOURCE_REGISTRY"] },
    },
    ...names.map((name) => ({ method: "GetPluginManifest" as const, request: { name } })),
    {
      method: "GetPluginManifest",
      request: {
        name: names[0],
        version: "1.0.0",
        source: "DISCOVERY_SOURCE_FILESYSTEM",
        location: REGISTRY,
      },
    },
    ...manifests.map((m) => ({
      method: "ValidatePlugin" as const,
      request: { manifest: manifestToProto(m), check_dependencies: true, check_system_requirements: true },
    })),
    { method: "ListInstalledPlugins", request: { filter: "aws-*", include_inactive: true } },
    { method: "ListInstalledPlugins", request: {} },
    { method: "CheckPluginHealth", request: { name: "aws-cost-explorer", timeout_seconds: 0 } },
    { method: "CheckPluginHealth", request: { name: "no-such-plugin", timeout_seconds: 3 } },
  ];
}

let state: Promise<DaemonState> | undefined;

/**
 * The daemon's state over the bundled registry (a filesystem source, so no network), with two of
 * its plugins installed from demo/artifacts, and a passive health monitor (no timers, no
 * launches): what a client reaches through the socket.
 */
function daemonState(): Promise<DaemonState> {
  state ??= (async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), "ffr-fuzz-daemon-"));
    process.once("exit", () => rmSync(tmp, { recursive: true, force: true }));
    const context = createContext({
      sources: [createFilesystemSource(REGISTRY)],
      pluginDir: path.join(tmp, "plugins"),
      cacheDir: path.join(tmp, "cache"),
      artifactMirror: path.join(ROOT, "demo", "artifacts"),
      trust: await trustFromRegistryConfig(path.join(REGISTRY, "config.json")),
      oci: false,
      healthCheck: false,
      yes: true,
      finfocusConfig: false,
    });
    await install(context, { plugins: [{ name: "aws-cost-explorer" }, { name: "gcp-billing-export" }] });
    const store = new HealthStore(path.join(tmp, "health.sqlite"));
    const monitor = new HealthMonitor({ pluginDir: context.pluginDir, store, passive: true });
    return { context, approvalsFile: path.join(tmp, "approvals.json"), monitor };
  })();
  return state;
}

/**
 * The daemon's read RPCs on request messages decoded from mutated wire bytes, as the server
 * decodes them: a message the decoder refuses is grpc-js's answer; every other one is answered, or
 * refused with a RunnerError (a documented code), and the answer encodes as the response type.
 */
export const daemonTarget: FuzzTarget<DaemonInput> = {
  name: "daemon",
  description: "the daemon's read RPCs (discover, manifest, validate, list, health) on mutated request bytes",
  async arbitrary() {
    const seeds = seedRequests().map(({ method, request }) => ({
      method,
      bytes: new Uint8Array(definition(method).requestSerialize(request)),
    }));
    return fc
      .record({
        seed: fc.nat(seeds.length - 1),
        mutations: fc.array(mutationArbitrary, { minLength: 0, maxLength: 4 }),
      })
      .map(({ seed, mutations }) => {
        const { method, bytes } = seeds[seed] as { method: Method; bytes: Uint8Array };
        return { method, bytes: base64(mutations.length ? mutate(bytes, mutations, 64 * 1024) : bytes) };
      });
  },
  async check({ method, bytes }) {
    const daemon = await daemonState();
    const rpc = definition(method);
    let request: Record<string, unknown>;
    try {
      request = rpc.requestDeserialize(Buffer.from(fromBase64(bytes))) as Record<string, unknown>;
    } catch {
      return { ms: 0 };
    }
    const start = performance.now();
    const outcome = await runnerOutcome(() => HANDLERS[method](daemon, request));
    const ms = performance.now() - start;
    if (outcome.value !== undefined) rpc.responseSerialize(outcome.value);
    return { ms };
  },
  encode: (input) => input,
  decode: (saved) => saved as DaemonInput,
};
