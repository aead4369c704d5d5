import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { buildRegistry, type SiteBuilder } from "../../generator/build-fs.ts";
import { readTufKeys } from "../../generator/tuf-keys-fs.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { countFindings, renderFindings, summariseWarnings } from "../render-findings.ts";

/** Where site/ provides its builder. The one place the generator's CLI meets the site. */
const SITE_MODULE = new URL("../../site/build-site.ts", import.meta.url);

/** The site builder when site/ exists (`export async function buildSite({ model, outDir, base })`). */
async function loadSiteBuilder(): Promise<SiteBuilder | undefined> {
  if (!existsSync(SITE_MODULE)) return undefined;
  const site = (await import(SITE_MODULE.href)) as { buildSite?: SiteBuilder };
  return site.buildSite;
}

/** What each build stage is called in progress lines. */
const STAGES: Record<string, string> = {
  validate: "validating the registry",
  write: "writing the API, registry.json and feeds",
  site: "building the site",
};

export const buildCommand = defineCommand({
  name: "build",
  summary: "validate a registry and write its static API, feeds and site",
  description: `Validates the registry and, when it has no errors, writes the static API, the FinFocus CLI's
registry.json and the Atom feeds under --out, then the site when site/ is present. Only files
whose bytes change are written; files of removed plugins or versions are deleted.
SOURCE_DATE_EPOCH fixes the generation time. Inside a git work tree the registry is read from the
commit --rev names (default HEAD): what is published is what was committed and reviewed, never
the files on disk; --worktree publishes the files on disk instead (previews of uncommitted edits;
a folder outside git is always read from disk). --tuf-keys DIR signs every written file with TUF
metadata in <out>/tuf/ (docs/tuf.md). --format json prints
{published, findings, stats, omitted, commit?}.`,
  options: {
    registry: { type: "string", value: "DIR", default: "registry", help: "the registry folder" },
    out: { type: "string", value: "DIR", default: "_site", help: "where the build goes" },
    base: { type: "string", value: "PATH", default: "/", help: "the site's base path" },
    "no-site": { type: "boolean", help: "skip the site" },
    full: {
      type: "boolean",
      help: "compare every file on disk and rebuild the site instead of trusting the build's state files",
    },
    rev: {
      type: "string",
      value: "REV",
      help: "the commit to publish (default HEAD, inside a git work tree)",
    },
    worktree: { type: "boolean", help: "publish the files on disk, not a commit" },
    "tuf-keys": {
      type: "string",
      value: "DIR",
      help: "sign the API with TUF: the keys folder of `tuf init` (online keys may come from FINFOCUS_TUF_<ROLE>_KEY)",
    },
  },
  exit: "0 built, 1 the registry has errors (nothing written), 2 usage or I/O error",
  async run({ values, format, io }) {
    const registryDir = path.resolve(io.cwd, values.registry);
    const outDir = path.resolve(io.cwd, values.out);
    const display = (p: string): string => path.relative(io.cwd, p) || ".";
    if (!(await stat(registryDir).catch(() => undefined))?.isDirectory()) {
      throw new UsageError(`no registry folder at ${display(registryDir)}: pass --registry DIR`);
    }
    if (values.rev !== undefined && values.worktree === true)
      throw new UsageError("--rev and --worktree exclude each other");
    // Keys are read before anything is written: bad keys fail the build with nothing half-signed.
    const tuf = values["tuf-keys"]
      ? readTufKeys(path.resolve(io.cwd, values["tuf-keys"]), io.env)
      : undefined;
    const site = values["no-site"] ? undefined : await loadSiteBuilder();
    const started = performance.now();
    const result = await buildRegistry({
      registryDir,
      outDir,
      env: io.env,
      displayRoot: display(registryDir),
      base: values.base,
      full: values.full === true,
      ...(values.rev !== undefined ? { rev: values.rev } : {}),
      worktree: values.worktree === true,
      ...(site ? { site } : {}),
      ...(tuf ? { tuf } : {}),
      // Progress on a terminal only: a build of a large registry with its site takes a while.
      ...(io.isTTY && format === "text"
        ? {
            onStage: (stage: string, detail: string) =>
              io.stderr(`build: ${STAGES[stage] ?? stage} (${detail})…\n`),
          }
        : {}),
    });
    const commit = result.commit ? { commit: result.commit } : {};
    const findings = result.findings.map((f) => ({ ...f, file: display(path.join(registryDir, f.file)) }));
    const counts = countFindings(findings);
    if (!result.published || !result.report || !result.model) {
      output(io, format, { published: false, findings, stats: { ...counts }, ...commit }, () =>
        renderFindings(findings),
      );
      if (format === "text") {
        io.stderr(
          `build: refusing to publish ${display(registryDir)}: ${counts.errors} errors (nothing was written)\n`,
        );
      }
      return 1;
    }
    const { report, model } = result;
    const stats = {
      plugins: model.plugins.length,
      versions: model.plugins.reduce((n, p) => n + p.parts.versionCount, 0),
      written: report.written.length,
      unchanged: report.unchanged,
      deleted: report.deleted.length,
      site: Boolean(site),
      ...(result.tuf ? { tuf: { targets: result.tuf.targets, written: result.tuf.written.length } } : {}),
      siteUnchanged: result.siteSkipped === true,
      ms: Math.round(performance.now() - started),
      ...(result.incremental
        ? { incremental: { since: result.incremental.since, judged: result.incremental.plugins } }
        : {}),
      ...counts,
    };
    if (format === "text") {
      for (const o of model.registryOmitted)
        io.stderr(`build: ${o.name} left out of registry.json: ${o.reason}\n`);
    }
    output(io, format, { published: true, findings, stats, omitted: model.registryOmitted, ...commit }, () =>
      [
        // A build that publishes has no errors: its warnings are counted by code (validate lists each).
        summariseWarnings(findings),
        `built ${display(outDir)}: ${stats.plugins} plugins, ${stats.versions} versions; ` +
          `${stats.written} written, ${stats.unchanged} unchanged, ${stats.deleted} deleted` +
          `${site ? (stats.siteUnchanged ? ", site unchanged" : ", site built") : ""}${result.tuf ? `, ${result.tuf.targets} targets signed` : ""}${result.commit ? ` from commit ${result.commit.slice(0, 12)}` : ""}${result.incremental ? ` (changes since ${result.incremental.since.slice(0, 12)}: ${result.incremental.plugins} plugins judged)` : ""} (${stats.ms} ms)\n`,
      ].join(""),
    );
    return 0;
  },
});
