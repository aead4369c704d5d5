import type { Finding } from "../findings.types.ts";
import type { FileChange, PluginChange } from "../governance/governance.types.ts";
import type { Manifest } from "../manifest.types.ts";
import { CONFIG_FILE } from "../registry/layout.ts";
import { loadRegistry } from "../registry/load-registry.ts";
import { dependencyClosure, losesVersions } from "../registry/load-scope.ts";
import type { RegistrySource } from "../registry/source.types.ts";

/** What the gate's validation found in the head, and the manifests it accepted (by registry path). */
export interface HeadJudgement {
  findings: Finding[];
  manifests: Map<string, Manifest>;
}

/**
 * The head as `validate` and `build` judge it (core's loadRegistry, the one judge), where the
 * change can reach. That is the plugins the change touches, whole (layout, entry, every manifest,
 * bundles, yanks), with every plugin they depend on, transitively (so each dependency resolves
 * as in a full load, and a cycle through a touched plugin is found). It is the whole registry when
 * the change can alter the verdict of plugins it does not touch: config.json changed, or a
 * touched plugin lost a version its dependents may need (a version removed or newly yanked, the
 * plugin or its entry gone). Adding versions or plugins never makes another plugin's manifest
 * invalid, so a pull request that publishes a version reads a handful of files however large
 * the registry is.
 */
export async function judgeHead(
  registryPath: string,
  changes: readonly FileChange[],
  plugins: readonly PluginChange[],
  touched: readonly string[],
  head: RegistrySource,
): Promise<HeadJudgement> {
  const config = registryPath === "." ? CONFIG_FILE : `${registryPath}/${CONFIG_FILE}`;
  const whole = changes.some((c) => c.path === config) || plugins.some(losesVersions);
  const scope = whole ? undefined : await dependencyClosure(head, touched);
  const loaded = await loadRegistry(head, { keepManifests: true, ...(scope ? { only: scope } : {}) });
  const manifests = new Map<string, Manifest>();
  for (const plugin of loaded.snapshot?.plugins ?? [])
    for (const version of plugin.versions) manifests.set(version.file, version.manifest);
  return { findings: loaded.findings, manifests };
}
