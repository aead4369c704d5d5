import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { OpenRegistryError } from "../../core/registry/open-registry.ts";
import { buildRegistry, type SiteBuilder } from "../../generator/build-fs.ts";
import type { Command } from "./command.types.ts";
import { countFindings, renderFindings } from "./render-findings.ts";

const usage = `Usage: finfocus-registry build [--registry DIR] [--out DIR] [--base PATH] [--no-site] [--full]
                              [--rev REV | --worktree]

Validates the registry at --registry (default ./registry) and, when it has no errors, writes the
static API, the FinFocus CLI's registry.json and the Atom feeds under --out (default ./_site),
then the site when site/ is present (--no-site skips it; --base is its base path, default /).
Only files whose bytes change are written; files of removed plugins or versions are deleted.
--full compares every file on disk instead of trusting <out>/.finfocus-build-state.json.
SOURCE_DATE_EPOCH fixes the generation time. Inside a git work tree the registry is read from the
commit --rev names (default HEAD): what is published is what was committed and reviewed, never
the files on disk; --worktree publishes the files on disk instead (previews of uncommitted
edits; a folder outside git is always read from disk).

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
        rev: { type: "string" },
        worktree: { type: "boolean", default: false },
      },
    });
    if (values.rev !== undefined && values.worktree) {
      io.stderr(`build: --rev and --worktree exclude each other\n${usage}\n`);
      return 2;
    }
    const registryDir = path.resolve(io.cwd, values.registry);
    const outDir = path.resolve(io.cwd, values.out);
    const display = (p: string): string => path.relative(io.cwd, p) || ".";
    if (!(await stat(registryDir).catch(() => undefined))?.isDirectory()) {
      io.stderr(`build: no registry folder at ${display(registryDir)}: pass --registry DIR\n`);
      return 2;
    }
    const site = values["no-site"] ? undefined : await loadSiteBuilder();
    const started = performance.now();
    let result: Awaited<ReturnType<typeof buildRegistry>>;
    try {
      result = await buildRegistry({
        registryDir,
        outDir,
        env: io.env,
        displayRoot: display(registryDir),
        base: values.base,
        full: values.full,
        ...(values.rev !== undefined ? { rev: values.rev } : {}),
        worktree: values.worktree,
        ...(site ? { site } : {}),
      });
    } catch (error) {
      if (!(error instanceof OpenRegistryError)) throw error;
      io.stderr(`build: ${error.code}: ${error.message}\n`);
      return 2;
    }
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
        `${site ? ", site built" : ""}${result.commit ? ` from commit ${result.commit.slice(0, 12)}` : ""} (${Math.round(performance.now() - started)} ms)\n`,
    );
    return 0;
  },
};
