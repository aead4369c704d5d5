import { append } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { registryFile } from "../core/governance/classify.ts";
import { loadRegistry } from "../core/registry/load-registry.ts";
import { fsSource } from "../core/registry/registry-fs.ts";
import type { RegistryConfig } from "../core/registry.types.ts";
import { artifactContext, downloadAndVerify } from "./artifacts.ts";
import type { FullEvent } from "./event.ts";
import type { Settings } from "./inputs.ts";
import { isValid, type Ports, sortFindings } from "./pr-mode.ts";
import type { GateReport, VersionReport } from "./report/report.types.ts";
import { trustedRootFor } from "./trusted-root.ts";

/**
 * Push and schedule mode: validate the whole registry at the checked commit and re-check every
 * artifact's checksum and signature, so an artifact whose bytes changed after merge (R5) is
 * reported.
 */
export async function checkFull(
  settings: Settings,
  event: FullEvent,
  ports: Ports = {},
): Promise<GateReport> {
  // The checkout of a push or schedule is merged code: read it from disk, fast for large registries.
  const source = fsSource(`${settings.workspace}/${settings.registryPath}`, settings.registryPath);
  const loaded = await loadRegistry(source);
  const snapshot = loaded.snapshot;
  const findings: Finding[] = loaded.findings.map((f) => ({
    ...f,
    file: registryFile(settings.registryPath, f.file),
  }));
  const versions: VersionReport[] = [];
  const ctx = artifactContext(settings, snapshot?.config, source, ports);
  const all = (snapshot?.plugins ?? []).flatMap((p) =>
    p.versions.map((v) => ({ ...v, plugin: p.name, entry: p.entry })),
  );
  if (settings.verifyArtifacts && all.some((v) => v.bundleFile)) {
    const root = await trustedRootFor(
      settings.sigstoreTrustedRoot,
      snapshot?.config,
      source,
      settings.tufCachePath,
    );
    append(findings, root.findings);
    if (root.value !== undefined) ctx.trustedRoot = root.value;
  }
  for (const v of all) {
    const row: VersionReport = {
      plugin: v.plugin,
      version: v.version,
      file: registryFile(settings.registryPath, v.file),
    };
    if (settings.verifyArtifacts) {
      const result = await downloadAndVerify(
        {
          plugin: v.plugin,
          version: v.version,
          file: v.file,
          manifest: v.manifest,
          entry: v.entry,
          ...(v.bundleFile ? { bundleFile: v.bundleFile } : {}),
        },
        ctx,
      );
      append(findings, result.findings);
      row.artifact = result.row;
    }
    versions.push(row);
  }
  const sorted = sortFindings(findings);
  return {
    mode: "full",
    valid: isValid(sorted, settings.failOn),
    failOn: settings.failOn,
    findings: sorted,
    versions,
    changedPlugins: [],
    sha: event.sha,
  };
}
