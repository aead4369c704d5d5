/**
 * The spec's error documents for paths that do not exist: `PLUGIN_NOT_FOUND` with the plugin's
 * `available_versions` when the plugin exists but the version does not, `PLUGIN_NOT_FOUND` for an
 * unknown plugin, and the generic `NOT_FOUND` (the static 404.json) for anything else. A static
 * host serves 404.json; `serve` and any host that can run code answer with these.
 */
import type { ApiError } from "../core/api/api.types.ts";
import { specErrorDetails } from "../core/api/error-details.ts";
import { DISCOVERY_PATH, NOT_FOUND_PATH, PLUGIN_INDEX_PATH, versionsPath } from "../core/api/paths.ts";

/** The generic document written to /api/v1/404.json. */
export const GENERIC_NOT_FOUND: ApiError = {
  code: "NOT_FOUND",
  message: "No document at this path. Start from the discovery document or the plugin index.",
  details: { discovery: DISCOVERY_PATH, plugin_index: PLUGIN_INDEX_PATH },
};

const PLUGIN_PATH = /^\/api\/v1\/plugins\/([^/]+)(?:\/versions\/([^/]+))?(?:\/|$)/;

/** The error for a missing API path; `read` gets a site-relative path (e.g. a versions index). */
export async function notFoundDocument(
  urlPath: string,
  read: (path: string) => Promise<Uint8Array | undefined>,
): Promise<ApiError> {
  const match = PLUGIN_PATH.exec(urlPath);
  const name = match?.[1];
  if (!match || name === undefined || name === "index.json") {
    const generic = await read(NOT_FOUND_PATH);
    return generic ? (JSON.parse(Buffer.from(generic).toString("utf8")) as ApiError) : GENERIC_NOT_FOUND;
  }
  let index: Uint8Array | undefined;
  try {
    index = await read(versionsPath(name));
  } catch {
    index = undefined;
  }
  if (!index) {
    return {
      code: "PLUGIN_NOT_FOUND",
      message: `no plugin named '${name}' in this registry`,
      details: specErrorDetails({ name }),
    };
  }
  const versions = (JSON.parse(Buffer.from(index).toString("utf8")) as { versions: { version: string }[] })
    .versions;
  const version = match[2];
  // A version that exists, at a path the API does not name (`…/versions/1.0.0`, not its
  // `manifest.json`): the generic document, never a claim that the version does not exist.
  if (version !== undefined && versions.some((v) => v.version === version)) {
    const generic = await read(NOT_FOUND_PATH);
    return generic ? (JSON.parse(Buffer.from(generic).toString("utf8")) as ApiError) : GENERIC_NOT_FOUND;
  }
  return {
    code: "PLUGIN_NOT_FOUND",
    message:
      version === undefined || version === "index.json"
        ? `no such document for plugin '${name}'`
        : `plugin '${name}' has no version ${version}`,
    details: specErrorDetails({
      name,
      ...(version !== undefined && version !== "index.json" ? { version } : {}),
      available_versions: versions.map((v) => v.version),
    }),
  };
}
