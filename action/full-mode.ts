import type { Finding } from "../core/findings.types.ts";
import { registryFile } from "../core/governance/classify.ts";
import type { RegistryConfig } from "../core/registry.types.ts";
import { type ArtifactContext, verifyArtifact } from "./artifacts.ts";
import { validateAll } from "./core-bridge.ts";
import type { FullEvent } from "./event.ts";
import type { Settings } from "./inputs.ts";
import { isValid, type Ports, sortFindings } from "./pr-mode.ts";
import { gitRegistrySource } from "./registry-git.ts";
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
  const source = gitRegistrySource(settings.workspace, event.sha, settings.registryPath);
  const loaded = await validateAll(source);
  const findings: Finding[] = loaded.findings.map((f) => ({
    ...f,
    file: registryFile(settings.registryPath, f.file),
  }));
  const versions: VersionReport[] = [];
  const config: RegistryConfig = loaded.config ?? {
    name: "",
    base_url: "",
    spec_version: "",
    maintainers: [],
  };
  const ctx: ArtifactContext = {
    registryPath: settings.registryPath,
    config,
    source,
    policy: {
      maxBytes: settings.maxDownloadBytes,
      timeoutMs: settings.downloadTimeoutMs,
      allowLoopbackHttp: settings.allowLoopbackHttp,
    },
    now: ports.now?.() ?? new Date(),
    ...(ports.fetcher ? { fetcher: ports.fetcher } : {}),
  };
  if (settings.verifyArtifacts && loaded.versions.some((v) => v.bundleFile)) {
    const root = await trustedRootFor(settings.sigstoreTrustedRoot, loaded.config, source);
    findings.push(...root.findings);
    if (root.value !== undefined) ctx.trustedRoot = root.value;
  }
  for (const v of loaded.versions) {
    const row: VersionReport = {
      plugin: v.plugin,
      version: v.version,
      file: registryFile(settings.registryPath, v.file),
    };
    if (settings.verifyArtifacts) {
      const result = await verifyArtifact(v, ctx);
      findings.push(...result.findings);
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
