import { stat } from "node:fs/promises";
import path from "node:path";
import { RegistryError } from "../../core/errors.ts";
import { append, passes, sortFindings } from "../../core/findings.ts";
import type { Finding } from "../../core/findings.types.ts";
import { DEFAULT_MAX_BYTES } from "../../core/json/load-json.ts";
import { readLocalFile } from "../../core/json/local-file.ts";
import { fsSource } from "../../core/registry/registry-fs.ts";
import { validateRegistryFiles } from "../../core/validate/validate-files.ts";
import { validateManifest } from "../../core/validate/validate-manifest.ts";
import type { CliIO } from "../command.types.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { countFindings, renderFindings } from "../render-findings.ts";

export const validateCommand = defineCommand({
  name: "validate",
  summary: "validate manifests, or a whole registry",
  args: "[PATHS…]",
  description: `Validates plugin manifests. With no PATHS, the whole registry at --registry: its layout,
config.json, every entry.json and every manifest in registry context. Inside a git work tree the
registry is read from the commit --rev names (default HEAD), as the gate and \`build\` read it,
never from the files on disk; --worktree reads the files on disk instead (uncommitted edits; a
folder outside git is always read from disk). With PATHS, those files on disk; files inside the
registry are checked in registry context (dependencies, spec version, path).
Verdicts of a whole-registry run are remembered in --cache-dir (default: finfocus-registry/ in the
repository's git folder; none outside git) and reused for manifests whose bytes and context did
not change; files read from disk are remembered with their stamps (inode, size, times), so an
unchanged file is not read again (--no-cache judges every manifest and remembers nothing).
--format json prints {valid, findings, stats, commit?}.`,
  options: {
    registry: { type: "string", value: "DIR", default: "registry", help: "the registry folder" },
    rev: { type: "string", value: "REV", help: "the commit to read (default HEAD, inside a git work tree)" },
    worktree: { type: "boolean", help: "read the files on disk, not a commit" },
    "cache-dir": {
      type: "string",
      value: "DIR",
      help: "where verdicts are remembered (default: in the git folder)",
    },
    "no-cache": { type: "boolean", help: "judge every manifest, remember nothing" },
  },
  exit: "0 valid, 1 findings with errors, 2 usage or I/O error",
  async run({ values, positionals, format, io }) {
    if (values.rev !== undefined && values.worktree === true)
      throw new UsageError("--rev and --worktree exclude each other");
    const registryDir = path.resolve(io.cwd, values.registry);
    const display = (p: string): string => path.relative(io.cwd, p) || ".";
    // process.hrtime, not `performance`: the global's first use loads node:perf_hooks (milliseconds).
    const started = process.hrtime.bigint();
    let findings: Finding[];
    let stats: Record<string, number>;
    let commit: string | undefined;
    if (positionals.length === 0) {
      if (!(await isDirectory(registryDir))) {
        throw new UsageError(
          `no registry folder at ${display(registryDir)}: pass --registry DIR or file paths`,
        );
      }
      // A whole registry needs git, worker threads and the verdict store; one file needs none of
      // them, so they load only here (the bundled CLI starts faster for an editor's one-file check).
      const [
        { openRegistry },
        { loadRegistry },
        { cacheBeside, cacheOptions, saveCache, validationCode },
        os,
      ] = await Promise.all([
        import("../../core/registry/open-registry.ts"),
        import("../../core/registry/load-registry.ts"),
        import("../../generator/verdict-store-fs.ts"),
        import("node:os"),
      ]);
      // A registry in git is read from one commit; OpenRegistryError (exit 2) says why it cannot be.
      const opened = await openRegistry(registryDir, {
        ...(values.rev !== undefined ? { rev: values.rev } : {}),
        worktree: values.worktree === true,
        display: display(registryDir),
      });
      try {
        const cacheFile =
          values["no-cache"] === true
            ? undefined
            : await verdictsFile(
                registryDir,
                values["cache-dir"] && path.resolve(io.cwd, values["cache-dir"]),
              );
        // The verdicts' summaries and the file stamps (a folder's, not a commit's) are kept beside them.
        const cache = cacheFile === undefined ? undefined : cacheBeside(cacheFile);
        // Only findings and counts are reported: no manifest is kept (a plugin none of whose
        // inputs changed is then reused whole from its summary, its manifests unparsed).
        const result = await loadRegistry(opened.source, {
          workers: os.availableParallelism(),
          keepManifests: false,
          ...(cache ? cacheOptions(cache, validationCode()) : {}),
        });
        if (cache) saveCache(cache, result, true);
        findings = result.findings.map((f) => ({ ...f, file: display(path.join(registryDir, f.file)) }));
        stats = { ...result.stats };
        commit = opened.commit;
      } finally {
        opened.close();
      }
    } else {
      const checked = await validatePaths(positionals, registryDir, io);
      findings = checked.map((f) => ({ ...f, file: display(path.resolve(io.cwd, f.file)) }));
      stats = { files: positionals.length };
    }
    const counts = countFindings(findings);
    const valid = passes(findings);
    stats = {
      ...stats,
      errors: counts.errors,
      warnings: counts.warnings,
      ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
    };
    output(
      io,
      format,
      { valid, findings: sortFindings(findings), stats, ...(commit ? { commit } : {}) },
      () => renderFindings(findings) + summaryLine(valid, stats, commit),
    );
    return valid ? 0 : 1;
  },
});

/** Validates the given files; files inside the registry folder get registry context. */
async function validatePaths(paths: string[], registryDir: string, io: CliIO): Promise<Finding[]> {
  const inRegistry: string[] = [];
  const findings: Finding[] = [];
  for (const p of paths) {
    const full = path.resolve(io.cwd, p);
    const info = await stat(full).catch(() => undefined);
    if (!info) throw new RegistryError("FILE_UNREADABLE", `${p}: no such file`, { details: { file: p } });
    if (!info.isFile())
      throw new RegistryError(
        "FILE_UNREADABLE",
        `${p}: not a regular file (a folder, a device or a pipe): name manifest files, or use --registry for a registry folder`,
        { details: { file: p } },
      );
    const rel = path.relative(registryDir, full);
    if (!rel.startsWith("..") && !path.isAbsolute(rel)) {
      inRegistry.push(rel.split(path.sep).join("/"));
      continue;
    }
    if (info.size > DEFAULT_MAX_BYTES) {
      findings.push({
        code: "JSON_TOO_LARGE",
        severity: "error",
        message: `the file is ${info.size} bytes; the limit is ${DEFAULT_MAX_BYTES}`,
        file: full,
        pointer: "",
      });
      continue;
    }
    append(
      findings,
      validateManifest(await readLocalFile(full, "manifest", DEFAULT_MAX_BYTES), full).findings,
    );
  }
  if (inRegistry.length > 0) {
    const result = await validateRegistryFiles(fsSource(registryDir), inRegistry);
    append(
      findings,
      result.findings.map((f) => ({ ...f, file: path.join(registryDir, f.file) })),
    );
  }
  return findings;
}

function summaryLine(valid: boolean, stats: Record<string, number>, commit?: string): string {
  const plural = (n: number | undefined, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  const what =
    stats.plugins !== undefined
      ? `${plural(stats.plugins, "plugin")}, ${plural(stats.manifests, "manifest")}`
      : plural(stats.files, "file");
  const verdict = valid ? "valid" : "invalid";
  const at = commit ? `, commit ${commit.slice(0, 12)}` : "";
  return `${verdict}: ${what}, ${plural(stats.errors, "error")}, ${plural(stats.warnings, "warning")} (${stats.ms} ms${at})\n`;
}

/**
 * The verdicts file of the registry at `registryDir`: in `cacheDir`, or in finfocus-registry/ of
 * the work tree's git folder (`git rev-parse --absolute-git-dir`: each linked work tree has its
 * own); none for a folder outside git without --cache-dir. One file per
 * registry folder (named by the hash of its path), so registries sharing a cache folder do not
 * evict each other.
 */
async function verdictsFile(registryDir: string, cacheDir: string | undefined): Promise<string | undefined> {
  const [{ createHash }, { git }] = await Promise.all([
    import("node:crypto"),
    import("../../core/registry/git.ts"),
  ]);
  let dir = cacheDir;
  if (dir === undefined) {
    const gitDir = await git(registryDir, ["rev-parse", "--absolute-git-dir"])
      .then((out) => out.toString("utf8").trim())
      .catch(() => "");
    if (gitDir === "") return undefined;
    dir = path.join(gitDir, "finfocus-registry");
  }
  return path.join(
    dir,
    `verdicts-${createHash("sha256").update(registryDir).digest("hex").slice(0, 16)}.verdicts`,
  );
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}
