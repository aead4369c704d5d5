/**
 * The generator's public surface, for the CLI, the site and tests:
 * `buildModel` (pure: snapshot → typed documents, what the site renders), `renderApi` (model →
 * files), `writeTree` (incremental writer, the one seam that writes), `buildRegistry` (the whole
 * build over a folder), `serve` (local preview server).
 */
export type * from "../core/api/api.types.ts";
export { API_VERSION } from "../core/api/api.types.ts";
export * from "../core/api/paths.ts";
export { type BuildOptions, type BuildResult, buildRegistry, type SiteBuilder } from "./build-fs.ts";
export { atomFeed, xmlEscape } from "./feeds.ts";
export { canonicalJson, canonicalJsonBytes } from "./json.ts";
export { buildModel, RELEASES_FEED_SIZE } from "./model.ts";
export type * from "./model.types.ts";
export { notFoundDocument } from "./not-found.ts";
export type { Output, OutputGroup } from "./output.types.ts";
export { parseGitLog } from "./published.ts";
export { readGitDates } from "./published-git.ts";
export { eachOutput, renderApi } from "./render.ts";
export { type ServeOptions, serve, staticHandler } from "./serve.ts";
export { generationTime, isoSeconds } from "./time.ts";
export { STATE_FILE, type WriteReport, writeTree } from "./write-fs.ts";
