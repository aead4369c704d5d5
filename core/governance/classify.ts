import type { FileChange } from "./governance.types.ts";

/** What a changed path is, relative to the registry layout. */
export type PathKind =
  | { kind: "outside" }
  | { kind: "entry"; plugin: string }
  | { kind: "version"; plugin: string; version: string }
  | { kind: "bundle"; plugin: string; version: string }
  | { kind: "plugin-other"; plugin: string };

/**
 * Classifies a repository-relative path against `<registryPath>/plugins/<name>/...`. Anything
 * else, including `<registryPath>/config.json`, is "outside" (maintainers only, G2).
 */
export function classifyChangedPath(registryPath: string, path: string): PathKind {
  const prefix = registryPath === "" || registryPath === "." ? "plugins/" : `${registryPath}/plugins/`;
  if (!path.startsWith(prefix)) return { kind: "outside" };
  const parts = path.slice(prefix.length).split("/");
  const [plugin, second, third, ...more] = parts;
  if (!plugin || second === undefined) return { kind: "outside" };
  if (second === "entry.json" && third === undefined) return { kind: "entry", plugin };
  if (second === "versions" && third !== undefined && more.length === 0) {
    if (third.endsWith(".sigstore.json")) {
      return { kind: "bundle", plugin, version: third.slice(0, -".sigstore.json".length) };
    }
    if (third.endsWith(".json")) return { kind: "version", plugin, version: third.slice(0, -".json".length) };
  }
  return { kind: "plugin-other", plugin };
}

/** The plugin names a set of changes touches, in first-seen order. */
export function touchedPlugins(registryPath: string, changes: readonly FileChange[]): string[] {
  const names = new Set<string>();
  for (const change of changes) {
    const kind = classifyChangedPath(registryPath, change.path);
    if (kind.kind !== "outside") names.add(kind.plugin);
  }
  return [...names];
}

/** Repository-relative path of a file inside the registry root. */
export function registryFile(registryPath: string, relative: string): string {
  return registryPath === "" || registryPath === "." ? relative : `${registryPath}/${relative}`;
}
