/**
 * Input keys for the per-plugin documents (plugin document, versions index, plugin feed): a hash
 * of everything they are rendered from, so a rebuild skips rendering plugins that did not change.
 * The rendering code is part of the key (its source files are hashed once per process), so a
 * change to the generator never leaves stale documents behind.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { bundleHash } from "../core/code-version.ts";
import { canonicalJson } from "./json.ts";
import type { PluginModel } from "./model.types.ts";

/** Modules whose code shapes the per-plugin documents (relative to this folder). */
const RENDERING_MODULES = [
  "../core/api/api.types.ts",
  "../core/api/paths.ts",
  "../core/versions/pick.ts",
  "feeds.ts",
  "fingerprint.ts",
  "json.ts",
  "model.ts",
  "render.ts",
  "summaries.ts",
  "time.ts",
];

let codeHash: string | undefined;

function renderingCode(): string {
  codeHash ??= bundleHash();
  if (codeHash === undefined) {
    const h = createHash("sha256");
    for (const file of RENDERING_MODULES) h.update(file).update(readFileSync(new URL(file, import.meta.url)));
    codeHash = h.digest("hex");
  }
  return codeHash;
}

/** The input key of one plugin's documents (see the module comment). */
export function pluginKey(plugin: PluginModel, baseUrl: string): string {
  const h = createHash("sha256").update(renderingCode()).update("\0").update(baseUrl).update("\0");
  // Summaries and the latest manifest derive from the entry, each manifest's bytes (sha256), its
  // publication time and whether a bundle sits beside it: that is the whole input.
  h.update(plugin.name).update("\0").update(canonicalJson(plugin.entry));
  plugin.versions.forEach((v, i) => {
    const published = plugin.versionIndex.versions[i]?.published_at ?? "";
    h.update(`${v.version}\0${v.manifest_sha256}\0${published}\0${v.bundleFile ?? ""}\n`);
  });
  return h.digest("hex");
}
