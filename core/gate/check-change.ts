import { append, findingKey, passes, sortFindings } from "../findings.ts";
import type { Finding } from "../findings.types.ts";
import { registryFile } from "../governance/classify.ts";
import { checkGovernance } from "../governance/rules.ts";
import type { Manifest } from "../manifest.types.ts";
import type { RegistrySource } from "../registry/source.types.ts";
import { artifactContext, downloadAndVerify } from "./artifacts.ts";
import type { GateChange, GateOptions, GatePorts } from "./gate.types.ts";
import { type Gathered, gather, layoutScope } from "./gather.ts";
import { judgeHead } from "./judge-head.ts";
import { withPositions } from "./positions.ts";
import type { GateReport, VersionReport } from "./report.types.ts";
import { reviewChange } from "./review.ts";
import { trustedRootFor } from "./trusted-root.ts";

/** Who a change's author is when the adapter does not know: nobody (no owner, no maintainer). */
const NOBODY = { id: 0, login: "(author not given)" };

/**
 * The governance findings, with maintainer approvals counted when a rule asks for a maintainer:
 * the approvals are asked of the adapter only then. Without an author, the author rules are
 * skipped and one info finding says so.
 */
async function governance(gathered: Gathered, change: GateChange, ports: GatePorts): Promise<Finding[]> {
  const authorKnown = change.author !== undefined;
  const unknown: Finding[] = authorKnown
    ? []
    : [
        {
          code: "AUTHOR_UNKNOWN",
          severity: "info",
          message:
            "No author id was given: ownership and maintainer authorship were not checked. Pass --author-id with your numeric GitHub id (https://api.github.com/users/LOGIN shows it).",
          file: registryFile(gathered.ctx.registryPath, "plugins"),
          pointer: "",
        },
      ];
  // As the author, and as the co-author when there is one (G17): only rights both have count.
  const authors = change.coAuthor ? [gathered.ctx.author, change.coAuthor] : [gathered.ctx.author];
  const rules = (approvedBy?: { id: number; login: string }[]) =>
    unique(
      authors.flatMap((author) =>
        checkGovernance({ ...gathered.ctx, author, ...(approvedBy ? { approvedBy } : {}) }, { authorKnown }),
      ),
    );
  const first = rules();
  if (!ports.approvals || !first.some((f) => f.code === "MAINTAINER_REQUIRED" || f.code === "NAME_SIMILAR"))
    return [...unknown, ...first];
  return [...unknown, ...rules(await ports.approvals())];
}

/** Findings without repeats (the same rule failing for both authors is one finding). */
function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = findingKey(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function verifyNewArtifacts(
  gathered: Gathered,
  validated: ReadonlyMap<string, Manifest>,
  options: GateOptions,
  sources: { base: RegistrySource; head: RegistrySource },
  ports: GatePorts,
): Promise<{ findings: Finding[]; rows: Map<string, VersionReport["artifact"]> }> {
  const rows = new Map<string, VersionReport["artifact"]>();
  const findings: Finding[] = [];
  // Only manifests that passed the schema have artifacts to check (the others are refused already).
  const jobs = gathered.newVersions
    .filter((v) => v.entry && validated.has(v.file))
    .map((v) => ({ ...v, manifest: validated.get(v.file) }));
  if (!options.verifyArtifacts || jobs.length === 0) return { findings, rows };
  const ctx = artifactContext(options, gathered.config, sources.head, ports);
  if (jobs.some((j) => j.bundleFile)) {
    const root = await trustedRootFor(
      options.sigstoreTrustedRoot,
      gathered.config,
      sources.base,
      ports.publicGoodRoot,
    );
    append(findings, root.findings);
    if (root.value !== undefined) ctx.trustedRoot = root.value;
  }
  for (const job of jobs) {
    const result = await downloadAndVerify(
      {
        plugin: job.plugin,
        version: job.version,
        file: job.file,
        manifest: job.manifest!,
        entry: job.entry!,
        ...(job.bundleFile ? { bundleFile: job.bundleFile } : {}),
      },
      ctx,
    );
    append(findings, result.findings);
    rows.set(job.file, result.row);
  }
  return { findings, rows };
}

/**
 * A branch that does not contain its base: what would merge (the base's newer files beside the
 * change) is not the head the gate judged, so it is refused until the branch is brought up to date.
 */
function behind(change: GateChange): Finding[] {
  if (change.baseInHead) return [];
  return [
    {
      code: "BASE_NOT_IN_HEAD",
      severity: "error",
      message: `The pull request's branch does not contain its base commit: the gate judges the head commit, and merging would add the base's newer changes it never saw (a version published meanwhile can clash with this one). Bring the branch up to date (merge the base branch into it, or rebase onto it) and push; the gate runs again. Head: ${change.headSha.slice(0, 12)}.`,
      file: "plugins",
      pointer: "",
    },
  ];
}

/**
 * The gate's one decision on a change to the registry, for the Action's pull-request mode and the
 * local `gate` command alike: read both commits as data, validate the head in registry context
 * where the change touches it (layout, config, entries, manifests), run the governance rules
 * (governance data from the base), and verify each new version's artifact.
 */
export async function checkChange(
  change: GateChange,
  options: GateOptions,
  ports: GatePorts,
): Promise<GateReport> {
  const { base, head, changes } = change;
  const registryPath = options.registryPath;
  const gathered = await gather(registryPath, change.author ?? NOBODY, changes, base, head);
  // The head judged as validate and build judge it, where the change can reach (judge-head.ts).
  const touched = layoutScope(registryPath, changes, gathered.headConfig).plugins ?? [];
  const validated = await judgeHead(registryPath, changes, gathered.ctx.plugins, touched, head);
  const validation = [...behind(change), ...validated.findings].map((f) => ({
    ...f,
    file: registryFile(registryPath, f.file),
  }));
  const rules = await governance(gathered, change, ports);
  const artifacts = await verifyNewArtifacts(gathered, validated.manifests, options, { base, head }, ports);
  const findings = sortFindings(
    await withPositions([...validation, ...rules, ...artifacts.findings], registryPath, [head, base]),
  );
  const versions: VersionReport[] = gathered.newVersions.map((v) => {
    const artifact = artifacts.rows.get(v.file);
    return {
      plugin: v.plugin,
      version: v.version,
      file: registryFile(registryPath, v.file),
      ...(artifact ? { artifact } : {}),
    };
  });
  const valid = passes(findings, options.failOn);
  return {
    mode: "pull_request",
    valid,
    failOn: options.failOn,
    findings,
    versions,
    changedPlugins: gathered.ctx.plugins.map((p) => p.name),
    ...(change.prNumber !== undefined ? { prNumber: change.prNumber } : {}),
    sha: change.headSha,
    changesFrom: change.changesFrom,
    review: reviewChange(gathered.ctx.plugins, changes, versions, valid),
  };
}
