import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildRegistry, type SiteBuilder } from "../../generator/build-fs.ts";
import type { Command } from "../command.types.ts";
import { countFindings, renderFindings } from "../render-findings.ts";

const usage = `Usage: finfocus-registry build [--registry DIR] [--out DIR] [--base PATH] [--no-site] [--full]

Validates the registry at --registry (default ./registry) and, when it has no errors, writes the
static API, the FinFocus CLI's registry.json and the Atom feeds under --out (default ./_site),
then the site when site/ is present (--no-site skips it; --base is its base path, default /).
Only files whose bytes change are written; files of removed plugins or versions are deleted.
--full compares every file on disk instead of trusting <out>/.finfocus-build-state.json.
SOURCE_DATE_EPOCH fixes the generation time.

Exit status: 0 built, 1 the registry has errors (nothing written), 2 usage or I/O error.`;

/** Where site/ provides its builder. The one place the generator's CLI meets the site. */
const SITE_MODULE = new URL("../../site/build-site.ts", import.meta.url);

/** The site builder when site/ exists (`export async function buildSite({ model, outDir, base })`). */
async function loadSiteBuilder(): Promise<SiteBuilder | undefined> {
  if (!existsSync(SITE_MODULE)) return undefined;
  const site = (await import(SITE_MODULE.href)) as { buildSite?: SiteBuilder };
  return site.buildSite;
}

export const buildCommand: Command = {
  name: "build",
  summary: "validate a registry and write its static API, feeds and site",
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        registry: { type: "string", default: "registry" },
        out: { type: "string", default: "_site" },
        base: { type: "string", default: "/" },
        "no-site": { type: "boolean", default: false },
        full: { type: "boolean", default: false },
      },
    });
    const registryDir = path.resolve(io.cwd, values.registry);
    const outDir = path.resolve(io.cwd, values.out);
    const display = (p: string): string => path.relative(io.cwd, p) || ".";
    if (!(await stat(registryDir).catch(() => undefined))?.isDirectory()) {
      io.stderr(`build: no registry folder at ${display(registryDir)}: pass --registry DIR\n`);
      return 2;
    }
    const site = values["no-site"] ? undefined : await loadSiteBuilder();
    const started = performance.now();
    const result = await buildRegistry({
      registryDir,
      outDir,
      env: io.env,
      displayRoot: display(registryDir),
      base: values.base,
      full: values.full,
      ...(site ? { site } : {}),
    });
    const findings = result.findings.map((f) => ({ ...f, file: display(path.join(registryDir, f.file)) }));
    io.stdout(renderFindings(findings));
    const counts = countFindings(findings);
    if (!result.published || !result.report || !result.model) {
      io.stderr(
        `build: refusing to publish ${display(registryDir)}: ${counts.errors} errors (nothing was written)\n`,
      );
      return 1;
    }
    const { report, model } = result;
    const versions = model.plugins.reduce((n, p) => n + p.versions.length, 0);
    for (const omitted of model.registryOmitted) {
      io.stderr(`build: ${omitted.name} left out of registry.json: ${omitted.reason}\n`);
    }
    io.stdout(
      `built ${display(outDir)}: ${model.plugins.length} plugins, ${versions} versions; ` +
        `${report.written.length} written, ${report.unchanged} unchanged, ${report.deleted.length} deleted` +
        `${site ? ", site built" : ""} (${Math.round(performance.now() - started)} ms)\n`,
    );
    return 0;
  },
};
