/** Runner results as the proto's PluginInfo, DiscoveryError and InstallationError messages. */
import { deepFreeze } from "../core/deep-freeze.ts";
import { REGISTRY_MANIFEST_FILE } from "../core/finfocus/cli-plugin-manifest.ts";
import type { PluginListing, SourceKind } from "../runner/index.ts";
import type { ReadonlyInstalled } from "../runner/ops/list.ts";
import { enumName, timestamp } from "./convert-manifest.ts";

type Json = Record<string, unknown>;

/** The proto's DiscoverySource name of a source kind, and back. */
export const sourceEnum = (kind: SourceKind): string => enumName("DISCOVERY_SOURCE", kind);

export function sourceKindOf(value: unknown): SourceKind | undefined {
  const kinds: SourceKind[] = ["registry", "filesystem", "url", "git"];
  return kinds.find((k) => sourceEnum(k) === value);
}

/**
 * A search result: AVAILABLE, or INSTALLED when this plugin folder has it. A frozen row (the
 * registry source keeps one per index entry) converts once per status; other rows every time.
 */
export function listingToInfo(p: PluginListing, installed: boolean): Json {
  if (!Object.isFrozen(p)) return toListingInfo(p, installed);
  return convertOnce(p, installed ? "installed" : "available", () => toListingInfo(p, installed));
}

function toListingInfo(p: PluginListing, installed: boolean): Json {
  return {
    name: p.name,
    version: p.version,
    description: p.description ?? "",
    author: p.author ?? "",
    source: sourceEnum(p.source),
    location: p.location,
    status: installed ? "PLUGIN_STATUS_INSTALLED" : "PLUGIN_STATUS_AVAILABLE",
    security_level: enumName("SECURITY_LEVEL", p.security_level),
    capabilities: [...(p.capabilities ?? [])],
    ...(p.updated_at ? { last_updated: timestamp(p.updated_at) } : {}),
  };
}

/** Whether the health monitor sees the plugin running: a service answering, one not, or not watched. */
export type Activity = "active" | "inactive" | "unmonitored";

/**
 * An installed plugin, with the status its health gives it (ACTIVE, INACTIVE or just INSTALLED).
 * Made once per snapshot entry and status (entries are frozen until the install state changes), so
 * a listing of thousands converts each plugin once, not once per call.
 */
export function installedToInfo(p: ReadonlyInstalled, activity: Activity): Json {
  return convertOnce(p, activity, () => toInfo(p, activity));
}

const converted = new WeakMap<object, Record<string, Json>>();

/**
 * `make()` once per frozen row and variant, frozen all the way down: its encoding may then be kept
 * by its identity (plugin-list-encoding.ts).
 */
function convertOnce(row: object, variant: string, make: () => Json): Json {
  let made = converted.get(row);
  if (!made) {
    made = {};
    converted.set(row, made);
  }
  made[variant] ??= deepFreeze(make());
  return made[variant];
}

function toInfo(p: ReadonlyInstalled, activity: Activity): Json {
  const about = p.about;
  const manifestHash = p.files?.[REGISTRY_MANIFEST_FILE];
  return {
    name: p.name,
    version: p.version,
    description: about?.description ?? "",
    author: about?.author ?? "",
    source: sourceEnum(p.source.kind),
    location: p.path,
    status:
      activity === "active"
        ? "PLUGIN_STATUS_ACTIVE"
        : activity === "inactive"
          ? "PLUGIN_STATUS_INACTIVE"
          : "PLUGIN_STATUS_INSTALLED",
    security_level: enumName("SECURITY_LEVEL", p.security_level),
    capabilities: [...(about?.capabilities ?? [])],
    requirements: {
      min_spec_version: about?.min_spec_version ?? "",
      max_spec_version: about?.max_spec_version ?? "",
      dependencies: p.dependencies,
    },
    // The sha256 of the verified manifest as installed (registry.manifest.json).
    manifest_hash: manifestHash ? `sha256:${manifestHash}` : "",
    last_updated: timestamp(p.installed_at),
  };
}
