import { append, findingKey } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import type { Manifest } from "../manifest.types.ts";
import { classifyPath } from "../registry/layout.ts";
import { loadRegistry } from "../registry/load-registry.ts";
import { dependencyClosure, withoutFiles } from "../registry/load-scope.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import type { RegistryConfig } from "../registry.types.ts";
import { validateManifest } from "./validate-manifest.ts";

/**
 * Validates some files of a registry in registry context, as a load of the whole registry judges
 * them (the one judge: core's loadRegistry), reading only what they need: the plugins the files
 * belong to, whole (layout, entry, every manifest, bundles, yanks), and every plugin those depend
 * on, transitively. The findings are those on the files named, and those the files cause
 * elsewhere (found with them and not without them: a cycle they close, a case twin beside them);
 * a file outside the registry's layout is checked as a manifest on its own. Checking one new manifest costs a handful of reads however large the registry is.
 */
export async function validateRegistryFiles(
  source: RegistrySource,
  files: readonly string[],
): Promise<{
  findings: Finding[];
  filesRead: number;
  /** The valid manifests among `files`, by path: what was judged, for clients that install it. */
  manifests: Map<string, Manifest>;
  config?: RegistryConfig;
}> {
  let filesRead = 0;
  const findings: Finding[] = [];
  const named = new Set<string>();
  const plugins = new Set<string>();
  for (const file of files) {
    const where = classifyPath(file);
    filesRead++;
    const bytes = await source.readFile(file);
    if (!bytes) {
      findings.push({
        code: "FILE_UNREADABLE",
        severity: "error",
        message: "the file does not exist",
        file,
        pointer: "",
      });
    } else if (where.kind === "other") append(findings, validateManifest(bytes, file).findings);
    else {
      named.add(file);
      if (where.kind !== "config") plugins.add(where.name);
    }
  }
  const only = await dependencyClosure(source, [...plugins]);
  // The same plugins without the files named: what they cause is what is new with them (a cycle
  // they close lands on another manifest, a case twin on the file beside them).
  const loaded = await loadRegistry(source, { keepManifests: true, only });
  filesRead += loaded.stats.filesRead;
  // Only when something is found beyond the files named is the registry judged without them too.
  const elsewhere = loaded.findings.some((f) => !named.has(f.file));
  const without = elsewhere
    ? await loadRegistry(withoutFiles(source, named), { keepManifests: false, only })
    : undefined;
  const before = new Set(without?.findings.map(findingKey));
  append(
    findings,
    loaded.findings.filter((f) => named.has(f.file) || !before.has(findingKey(f))),
  );
  const manifests = new Map<string, Manifest>();
  for (const plugin of loaded.snapshot?.plugins ?? [])
    for (const version of plugin.versions)
      if (named.has(version.file)) manifests.set(version.file, version.manifest);
  const config = loaded.snapshot?.config;
  return { findings, filesRead, manifests, ...(config ? { config } : {}) };
}
