/**
 * The name the generator's CLI looks for (cli/commands/build.ts imports `site/build-site.ts`);
 * the implementation lives in build.ts, the site's one entry point.
 */
export { type BuildSiteOptions, type BuildSiteResult, buildSite } from "./build.ts";
