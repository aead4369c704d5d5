/**
 * The specification's REST endpoints and the static documents that answer them: one table, so
 * `serve` answers the spec's paths with the very bytes of the static layout and the runner reads
 * a registry that serves either.
 *
 * | spec endpoint                                   | static document                                     |
 * | ----------------------------------------------- | --------------------------------------------------- |
 * | `GET /plugins`                                  | `api/v1/plugins/index.json`                         |
 * | `GET /plugins/{name}`                           | `api/v1/plugins/<name>/index.json`                  |
 * | `GET /plugins/{name}/versions`                  | `api/v1/plugins/<name>/versions/index.json`         |
 * | `GET /plugins/{name}/versions/{version}/manifest` | `api/v1/plugins/<name>/versions/<version>/manifest.json` |
 */
import { manifestPath, PLUGIN_INDEX_PATH, pluginPath, versionsPath } from "./paths.ts";

export type RestRequest =
  | { kind: "plugin-index" }
  | { kind: "plugin"; name: string }
  | { kind: "versions"; name: string }
  | { kind: "manifest"; name: string; version: string };

/** The spec's path for a request, relative to the registry's REST root (no leading slash). */
export function restPath(request: RestRequest): string {
  if (request.kind === "plugin-index") return "plugins";
  const base = `plugins/${encodeURIComponent(request.name)}`;
  if (request.kind === "plugin") return base;
  if (request.kind === "versions") return `${base}/versions`;
  return `${base}/versions/${encodeURIComponent(request.version)}/manifest`;
}

const REST = /^plugins(?:\/([^/]+)(?:\/(versions)(?:\/([^/]+)\/(manifest))?)?)?\/?$/;

/** The request a path names (relative to the REST root, decoded), or undefined when it names none. */
export function parseRestPath(path: string): RestRequest | undefined {
  const m = REST.exec(path.replace(/^\/+/, ""));
  if (!m) return undefined;
  const [, name, versions, version, manifest] = m;
  if (name === undefined) return { kind: "plugin-index" };
  if (name === "index.json") return undefined;
  if (versions === undefined) return { kind: "plugin", name };
  if (manifest === undefined || version === undefined) return { kind: "versions", name };
  return { kind: "manifest", name, version };
}

/**
 * The static document that answers a request (a site-relative path); undefined for a name or
 * version that cannot be a path segment (core/api/paths.ts refuses those).
 */
export function staticPathFor(request: RestRequest): string | undefined {
  try {
    switch (request.kind) {
      case "plugin-index":
        return PLUGIN_INDEX_PATH;
      case "plugin":
        return pluginPath(request.name);
      case "versions":
        return versionsPath(request.name);
      default:
        return manifestPath(request.name, request.version);
    }
  } catch {
    return undefined;
  }
}
