import { join, resolve } from "node:path";
import { checkChange } from "../../core/gate/check-change.ts";
import { openLocalChange } from "../../core/gate/local-change.ts";
import type { GateReport } from "../../core/gate/report.types.ts";
import { versionFindings } from "../../core/gate/summary.ts";
import { homeFolder } from "../../core/home.ts";
import { ARTIFACT_DEADLINE_MS } from "../../core/net/fetch-policy.ts";
import { mirrorSetting } from "../../core/net/mirror.ts";
import { publicGoodTrustedRoot } from "../../core/signature/trusted-root.ts";
import { terminalText } from "../../core/text/terminal.ts";
import { createHttpFetcher } from "../../net/http-fetcher.ts";
import { createMirrorFetcher } from "../../net/mirror-fetcher.ts";
import { createOciDistribution } from "../../net/oci-distribution.ts";
import { tufTrustedRootFetcher } from "../../net/sigstore-tuf.ts";
import { defineCommand } from "../define-command.ts";
import { UsageError } from "../errors.ts";
import { output } from "../output.ts";
import { renderFindings } from "../render-findings.ts";

export const gateCommand = defineCommand({
  name: "gate",
  summary: "run the pull-request gate on two commits of a local repository",
  description: `Runs the registry gate's checks, the same decision the GitHub Action makes on a pull
request, on the change from --base to --head of the git repository around the current folder:
the head's layout and files in registry context, the governance rules (with governance data from
the base commit), and each new version's artifact (downloaded and verified) unless --no-artifacts;
for a container release, the document its digest pins, fetched from its registry, unless --no-images.
Both commits are read from git objects, never from the files on disk: commit your change first.
Run it before opening a pull request, e.g. \`finfocus-registry gate --base origin/main --head HEAD
--author-id 1234567\`. Without --author-id, ownership and maintainer authorship are not checked
(an AUTHOR_UNKNOWN note says so). Maintainer approvals exist only on GitHub: a change that needs
one reports MAINTAINER_REQUIRED here as the Action does before a maintainer approves.
--format json prints {valid, failOn, findings, versions, changedPlugins, review, base, head};
review says what each new version changes and whether the Action would mark it for auto-merge.`,
  options: {
    base: { type: "string", value: "REF", help: "the commit the change applies to (e.g. origin/main)" },
    head: { type: "string", value: "REF", help: "the commit with the change (e.g. HEAD)" },
    "author-id": { type: "string", value: "ID", help: "your numeric GitHub id (the PR's author)" },
    "registry-path": {
      type: "string",
      value: "PATH",
      default: "registry",
      help: "the registry folder inside the repository (the Action's registry-path)",
    },
    "fail-on": {
      type: "string",
      value: "error|warning",
      default: "error",
      help: "lowest severity that fails",
    },
    "no-artifacts": { type: "boolean", help: "do not download and verify new versions' artifacts" },
    "no-images": {
      type: "boolean",
      help: "do not fetch the document a new container release pins from its registry",
    },
    "max-download-mb": { type: "string", value: "MB", default: "200", help: "artifact size cap" },
    "sigstore-trusted-root": {
      type: "string",
      value: "FILE",
      help: "a Sigstore trusted root (default: config.json's, else public good)",
    },
    "artifact-mirror": {
      type: "string",
      value: "URL|DIR",
      help: "take artifacts by file name from this URL or folder (still verified)",
    },
    "allow-loopback-http": {
      type: "boolean",
      help: "allow plain http:// to 127.0.0.1, localhost and [::1] only",
    },
  },
  exit: "0 passed, 1 findings at the --fail-on level, 2 usage, git or I/O error",
  async run({ values, format, io }) {
    if (values.base === undefined || values.head === undefined)
      throw new UsageError("gate needs --base REF and --head REF");
    const registryPath = values["registry-path"].replace(/\/+$/, "").replace(/^\.\//, "") || ".";
    if (registryPath.startsWith("/") || registryPath.split("/").includes(".."))
      throw new UsageError(
        `--registry-path must be a relative path inside the repository; got "${registryPath}"`,
      );
    const failOn = values["fail-on"];
    if (failOn !== "error" && failOn !== "warning")
      throw new UsageError(`--fail-on must be error or warning; got "${failOn}"`);
    const rawId = values["author-id"];
    if (rawId !== undefined && !/^[1-9][0-9]{0,15}$/.test(rawId))
      throw new UsageError(`--author-id must be a numeric GitHub id (e.g. 1234567); got "${rawId}"`);
    const mb = Number(values["max-download-mb"]);
    if (!Number.isFinite(mb) || mb <= 0) throw new UsageError("--max-download-mb must be a positive number");
    const allowLoopbackHttp = values["allow-loopback-http"] === true;
    // The Action's artifact-mirror meaning (core/net/mirror.ts): a folder made absolute, or a base URL.
    const mirror = values["artifact-mirror"] ? mirrorSetting(values["artifact-mirror"], io.cwd) : undefined;
    if (mirror && "problem" in mirror) throw new UsageError(`--artifact-mirror: ${mirror.problem}`);
    const mirrorAt = mirror?.mirror;
    const opened = await openLocalChange(io.cwd, {
      base: values.base,
      head: values.head,
      registryPath,
      ...(rawId !== undefined ? { author: { id: Number(rawId), login: `id ${rawId}` } } : {}),
    });
    try {
      const http = createHttpFetcher({ allowLoopbackHttp, deadlineMs: ARTIFACT_DEADLINE_MS });
      const cachePath =
        io.env.FINFOCUS_SIGSTORE_CACHE || join(homeFolder(io.env), ".finfocus", "sigstore-tuf");
      const trustedRoot = values["sigstore-trusted-root"];
      const report = await checkChange(
        opened.change,
        {
          registryPath,
          failOn,
          verifyArtifacts: values["no-artifacts"] !== true,
          maxDownloadBytes: Math.floor(mb * 1024 * 1024),
          downloadTimeoutMs: ARTIFACT_DEADLINE_MS,
          allowLoopbackHttp,
          ...(trustedRoot ? { sigstoreTrustedRoot: resolve(io.cwd, trustedRoot) } : {}),
        },
        {
          fetcher: mirrorAt ? createMirrorFetcher(mirrorAt, http, { allowLoopbackHttp }) : http,
          // Container images come from their registries, never from the artifact mirror.
          ...(values["no-images"] === true
            ? {}
            : { oci: createOciDistribution(http, { allowLoopbackHttp }) }),
          publicGoodRoot: () => publicGoodTrustedRoot(tufTrustedRootFetcher({ cachePath })),
        },
      );
      const { mode: _mode, sha: _sha, changesFrom: _from, ...rest } = report;
      output(io, format, { ...rest, base: opened.baseSha, head: report.sha }, () =>
        renderText(report, opened.baseSha),
      );
      return report.valid ? 0 : 1;
    } finally {
      opened.close();
    }
  },
});

/** The findings as `validate` prints them, a line per new version (the Action's table), the verdict. */
function renderText(report: GateReport, baseSha: string): string {
  const lines = [renderFindings(report.findings)];
  for (const v of report.versions) {
    const { schema, rules, artifact, failed } = versionFindings(v, report.findings);
    const codes = (list: { code: string }[]) =>
      list.length === 0 ? "ok" : [...new Set(list.map((f) => f.code))].join(",");
    const signer = v.artifact?.signer;
    const identity = signer
      ? signer.kind === "key"
        ? signer.fingerprint.slice(0, 23)
        : signer.identity
      : "";
    lines.push(
      `${terminalText(v.plugin)} ${terminalText(v.version)}: schema ${codes(schema)}, rules ${codes(rules)}, ` +
        `checksum ${v.artifact?.checksum ?? "not checked"}, signature ${v.artifact?.signature ?? "not checked"}` +
        `${identity ? ` (${terminalText(identity)})` : ""}${artifact.length > 0 ? ` [${codes(artifact)}]` : ""}: ${failed ? "fail" : "pass"}\n`,
    );
  }
  for (const v of report.review?.versions ?? []) {
    const notes = [
      ...(v.permissions.added.length > 0 ? [`new permissions ${v.permissions.added.join(", ")}`] : []),
      ...(v.previous && v.securityLevel.from !== v.securityLevel.to
        ? [`security level ${v.securityLevel.from} -> ${v.securityLevel.to}`]
        : []),
      ...(v.dependencies.added.length > 0 ? [`new dependencies ${v.dependencies.added.join(", ")}`] : []),
    ];
    if (notes.length > 0) lines.push(`${terminalText(`${v.plugin} ${v.version}: ${notes.join("; ")}`)}\n`);
  }
  if (report.review)
    lines.push(
      report.review.autoMerge.eligible
        ? "auto-merge: eligible\n"
        : `auto-merge: not eligible (${terminalText(report.review.autoMerge.reasons.join("; "))})\n`,
    );
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  lines.push(
    `gate ${report.valid ? "passed" : "failed"}: ${baseSha.slice(0, 12)}..${report.sha.slice(0, 12)}, ` +
      `${report.changedPlugins.length} plugin(s) changed, ${errors} error(s), ${warnings} warning(s)\n`,
  );
  return lines.join("");
}
