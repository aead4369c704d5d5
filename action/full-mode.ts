import { append, passes, sortFindings } from "../core/findings.ts";
import type { Finding } from "../core/findings.types.ts";
import { artifactContext, downloadAndVerify } from "../core/gate/artifacts.ts";
import type { GateReport, VersionReport } from "../core/gate/report.types.ts";
import { trustedRootFor } from "../core/gate/trusted-root.ts";
import { registryFile } from "../core/governance/classify.ts";
import { loadRegistry } from "../core/registry/load-registry.ts";
import { openRegistry } from "../core/registry/open-registry.ts";
import type { RegistrySource } from "../core/registry/source.types.ts";
import type { FullEvent } from "./event.ts";
import type { Settings } from "./inputs.ts";
import { gatePorts, type Ports } from "./pr-mode.ts";

/**
 * Push and schedule mode: validate the whole registry at the checked commit and re-check every
 * artifact's checksum and signature, so an artifact whose bytes changed after merge (R5) is
 * reported. The registry is read from the git objects of that commit (the working tree of the
 * checkout is never read: attributes and links apply there), like `build` reads what it publishes.
 */
export async function checkFull(
  settings: Settings,
  event: FullEvent,
  ports: Ports = {},
): Promise<GateReport> {
  const opened = await openRegistry(`${settings.workspace}/${settings.registryPath}`, {
    ...(event.sha !== "HEAD" ? { rev: event.sha } : {}),
    display: settings.registryPath,
  });
  try {
    return await check(settings, ports, opened.source, opened.commit ?? event.sha);
  } finally {
    opened.close();
  }
}

async function check(
  settings: Settings,
  ports: Ports,
  source: RegistrySource,
  sha: string,
): Promise<GateReport> {
  const loaded = await loadRegistry(source);
  const snapshot = loaded.snapshot;
  const findings: Finding[] = loaded.findings.map((f) => ({
    ...f,
    file: registryFile(settings.registryPath, f.file),
  }));
  const versions: VersionReport[] = [];
  const gate = gatePorts(settings, ports);
  // Container images are not fetched again: a pinned digest names the same bytes forever, so what
  // the pull request's check verified cannot change (this re-check is for URLs whose bytes can).
  const { oci: _pinnedForever, ...refetched } = gate;
  const ctx = artifactContext(settings, snapshot?.config, source, refetched);
  const all = (snapshot?.plugins ?? []).flatMap((p) =>
    p.versions.map((v) => ({ ...v, plugin: p.name, entry: p.entry })),
  );
  if (settings.verifyArtifacts && all.some((v) => v.bundleFile)) {
    const root = await trustedRootFor(
      settings.sigstoreTrustedRoot,
      snapshot?.config,
      source,
      gate.publicGoodRoot,
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
    valid: passes(sorted, settings.failOn),
    failOn: settings.failOn,
    findings: sorted,
    versions,
    changedPlugins: [],
    sha,
  };
}
