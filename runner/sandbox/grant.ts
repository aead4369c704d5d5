/**
 * What a plugin was granted, as core/permissions/ reads it: from a manifest and the permissions
 * approved for it (an install's staged version, an installed plugin's state entry), and the private
 * data folder the grant's `filesystem_*` permissions open. `run`, install's sandbox check and the
 * health check's launch all build their grant here, so they ask decideEnforcement the same question.
 */
import { join } from "node:path";
import type { Manifest, SecurityLevel } from "../../core/manifest.types.ts";
import type { PluginGrant } from "../../core/permissions/sandbox-policy.types.ts";
import { installedManifest } from "../install/installed-manifest.ts";
import type { Layout } from "../install/layout.ts";
import type { InstalledPlugin } from "../install/state.types.ts";

/** The private data folder of a plugin: `<plugin-dir>/.finfocus-registry/data/<name>`. */
export function dataDirFor(layout: Layout, name: string): string {
  return join(layout.home, "data", name);
}

/**
 * The grant of plugin `name`: the approved `permissions` and `security_level`, with the manifest's
 * `sandbox_required` and memory requirement (an unreadable manifest adds neither).
 */
export function manifestGrant(
  name: string,
  manifest: Partial<Pick<Manifest, "security" | "requirements">> | undefined,
  permissions: readonly string[],
  security_level: SecurityLevel,
): PluginGrant {
  const memory = manifest?.requirements?.system_requirements?.min_memory_mb;
  return {
    name,
    permissions,
    security_level,
    ...(manifest?.security?.sandbox_required ? { sandbox_required: true } : {}),
    ...(typeof memory === "number" ? { min_memory_mb: memory } : {}),
  };
}

/** What was granted to an installed plugin, from its state entry and installed manifest. */
export async function grantOf(plugin: InstalledPlugin): Promise<PluginGrant> {
  const manifest = await installedManifest(plugin).catch(() => undefined);
  return manifestGrant(plugin.name, manifest, plugin.permissions, plugin.security_level);
}
