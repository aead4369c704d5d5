import { readFile, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { RegistryError } from "../../core/errors.ts";
import { append } from "../../core/findings.ts";
import type { Finding } from "../../core/findings.types.ts";
import { DEFAULT_MAX_BYTES } from "../../core/json/load-json.ts";
import { loadRegistry } from "../../core/registry/load-registry.ts";
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
  description: `Validates plugin manifests. With no PATHS, the whole registry at --registry: config.json,
every entry.json and every manifest in registry context. With PATHS, those files; files inside
the registry are checked in registry context (dependencies, spec version, path).
--format json prints {valid, findings, stats}.`,
  options: {
    registry: { type: "string", value: "DIR", default: "registry", help: "the registry folder" },
  },
  exit: "0 valid, 1 findings with errors, 2 usage or I/O error",
  async run({ values, positionals, format, io }) {
    const registryDir = path.resolve(io.cwd, values.registry);
    const display = (p: string): string => path.relative(io.cwd, p) || ".";
    const started = performance.now();
    let findings: Finding[];
    let stats: Record<string, number>;
    if (positionals.length === 0) {
      if (!(await isDirectory(registryDir))) {
        throw new UsageError(
          `no registry folder at ${display(registryDir)}: pass --registry DIR or file paths`,
        );
      }
      const result = await loadRegistry(fsSource(registryDir, display(registryDir)), {
        workers: availableParallelism(),
      });
      findings = result.findings.map((f) => ({ ...f, file: display(path.join(registryDir, f.file)) }));
      stats = { ...result.stats };
    } else {
      const checked = await validatePaths(positionals, registryDir, io);
      findings = checked.map((f) => ({ ...f, file: display(path.resolve(io.cwd, f.file)) }));
      stats = { files: positionals.length };
    }
    const counts = countFindings(findings);
    const valid = counts.errors === 0;
    stats = {
      ...stats,
      errors: counts.errors,
      warnings: counts.warnings,
      ms: Math.round(performance.now() - started),
    };
    output(
      io,
      format,
      { valid, findings, stats },
      () => renderFindings(findings) + summaryLine(valid, stats),
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
    if (!info?.isFile())
      throw new RegistryError("FILE_UNREADABLE", `${p}: no such file`, { details: { file: p } });
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
    append(findings, validateManifest(await readFile(full), full).findings);
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

function summaryLine(valid: boolean, stats: Record<string, number>): string {
  const plural = (n: number | undefined, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  const what =
    stats.plugins !== undefined
      ? `${plural(stats.plugins, "plugin")}, ${plural(stats.manifests, "manifest")}`
      : plural(stats.files, "file");
  const verdict = valid ? "valid" : "invalid";
  return `${verdict}: ${what}, ${plural(stats.errors, "error")}, ${plural(stats.warnings, "warning")} (${stats.ms} ms)\n`;
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}
