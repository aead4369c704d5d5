/**
 * DiscoverPlugins, GetPluginManifest, ValidatePlugin, ListInstalledPlugins and CheckPluginHealth:
 * each maps its request onto one runner (or core) call and its result onto the response.
 */

import { codeInfo, isCode } from "../core/codes/codes.ts";
import { validateManifest } from "../core/validate/validate-manifest.ts";
import { discover, info, type MetadataSource, RunnerError } from "../runner/index.ts";
import { layoutFor } from "../runner/install/layout.ts";
import { readStateSnapshot } from "../runner/install/state.ts";
import { listInstalledView } from "../runner/ops/list.ts";
import { assertName } from "../runner/ops/plugin-name.ts";
import { installedToInfo, listingToInfo, sourceEnum, sourceKindOf } from "./convert-info.ts";
import { manifestFromProto, manifestToProto, timestamp } from "./convert-manifest.ts";
import type { DaemonState, Handler } from "./daemon.types.ts";

/** The sources a request names (kinds, and a location), or all of them. */
export function pickSources(state: DaemonState, kinds: unknown[] = [], location = ""): MetadataSource[] {
  const wanted = kinds.map(sourceKindOf);
  // A value the proto's DiscoverySource does not define asks for nothing we have: say so, rather
  // than answer from every source.
  const unknown = kinds.filter((_, i) => wanted[i] === undefined);
  if (unknown.length > 0)
    throw new RunnerError(
      "USAGE",
      `Not a DiscoverySource: ${unknown.map((k) => JSON.stringify(k)).join(", ")}`,
      {
        sources: kinds,
      },
    );
  const sources = [...state.context.sources].filter(
    (s) => (wanted.length === 0 || wanted.includes(s.kind)) && (location === "" || s.location === location),
  );
  if (sources.length === 0) {
    throw new RunnerError(
      "USAGE",
      "No configured discovery source matches the request's source and location",
      {
        sources: kinds,
        location,
      },
    );
  }
  return sources;
}

export const discoverPlugins: Handler = async (state, request) => {
  const sources = pickSources(state, request.sources as unknown[]);
  // Which names are installed: the state file as it stands (crash recovery is the write RPCs' and
  // ListInstalledPlugins' business, not a search's).
  const [result, installed] = await Promise.all([
    // The filter means what it means everywhere (core/text/search-filter.ts): `*`/`?` a glob over
    // the whole name, in any case, matched without backtracking; other text a search of every text.
    discover({ ...state.context, sources }, String(request.filter ?? "")),
    readStateSnapshot(layoutFor(state.context.pluginDir)),
  ]);
  const have = (name: string) => Object.hasOwn(installed.plugins, name);
  // INSTALLED only for the version that is: a newer one the source offers is AVAILABLE.
  const isInstalled = (name: string, version: string) => installed.plugins[name]?.version === version;
  return {
    plugins: result.plugins
      .filter((p) => request.include_installed === true || !have(p.name))
      .map((p) => listingToInfo(p, isInstalled(p.name, p.version))),
    discovery_errors: result.errors.map((e) => ({
      source: sourceEnum(e.source as MetadataSource["kind"]),
      location: e.location,
      error_code: e.code,
      error_message: e.message,
    })),
  };
};

export const getPluginManifest: Handler = async (state, request) => {
  const kinds = request.source && request.source !== "DISCOVERY_SOURCE_UNSPECIFIED" ? [request.source] : [];
  const sources = pickSources(state, kinds, String(request.location ?? ""));
  const name = String(request.name ?? "");
  const found = await info({ sources }, name, String(request.version ?? "") || undefined);
  if (!found.latest) {
    throw new RunnerError("PLUGIN_NOT_FOUND", `${name} has no version to show`, {
      name,
      available_versions: [],
    });
  }
  return { manifest: manifestToProto(found.latest) };
};

/**
 * Core's manifest validation of the message's manifest. The proto's PluginManifest has no
 * requirements section, so check_dependencies and check_system_requirements find nothing to check.
 */
export const validatePlugin: Handler = async (_state, request) => {
  if (!request.manifest) throw new RunnerError("USAGE", "ValidatePlugin needs a manifest", {});
  const json = manifestFromProto(request.manifest as Record<string, unknown>);
  // The message has no field for a Sigstore bundle: whether one exists is not known.
  const result = validateManifest(Buffer.from(JSON.stringify(json)), "request.manifest", {
    hasBundle: "unknown",
  });
  const errors = result.findings.filter((f) => f.severity === "error");
  return {
    valid: errors.length === 0,
    validation_errors: errors.map((f) => ({
      code: f.code,
      message: f.message,
      field: f.pointer,
      severity: "ERROR_SEVERITY_ERROR",
    })),
    warnings: result.findings
      .filter((f) => f.severity !== "error")
      .map((f) => ({
        code: f.code,
        message: f.message,
        field: f.pointer,
        // What the code means and what to do (docs/findings.md).
        recommendation: isCode(f.code) ? codeInfo(f.code).meaning : "",
      })),
  };
};

export const listInstalledPlugins: Handler = async (state, request) => {
  const installed = await listInstalledView(state.context.pluginDir, String(request.filter ?? ""));
  const activity = state.monitor.activity(installed.map((p) => p.name));
  return {
    plugins: installed
      .map((p) => ({ p, activity: activity.get(p.name) ?? "unmonitored" }))
      .filter(({ activity }) => request.include_inactive === true || activity !== "inactive")
      .map(({ p, activity }) => installedToInfo(p, activity)),
  };
};

const SEVERITY = {
  error: "ERROR_SEVERITY_ERROR",
  warning: "ERROR_SEVERITY_WARNING",
  info: "ERROR_SEVERITY_INFO",
};

/** From the history (timeout_seconds 0), or after a check made now within timeout_seconds. */
export const checkPluginHealth: Handler = async (state, request) => {
  const name = String(request.name ?? "");
  assertName(name);
  const seconds = Number(request.timeout_seconds ?? 0);
  if (seconds < 0)
    throw new RunnerError("USAGE", "timeout_seconds must not be negative", { timeout_seconds: seconds });
  const health =
    seconds > 0 ? await state.monitor.checkNow(name, seconds * 1000) : await state.monitor.health(name);
  if (!health) throw new RunnerError("NOT_INSTALLED", `${name} is not installed`, { name });
  return {
    healthy: health.state === "Healthy" || health.state === "Warning",
    status: health.state,
    ...(health.last_check_at !== undefined ? { last_check_time: timestamp(health.last_check_at) } : {}),
    health_errors: health.reasons.map((r) => ({
      code: r.code,
      message: r.message,
      component: r.component,
      severity: SEVERITY[r.severity],
    })),
  };
};
