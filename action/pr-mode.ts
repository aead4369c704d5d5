import * as core from "@actions/core";
import { checkChange } from "../core/gate/check-change.ts";
import type { GatePorts } from "../core/gate/gate.types.ts";
import type { GateReport } from "../core/gate/report.types.ts";
import { standingApprovals } from "../core/governance/approvals.ts";
import type { Fetcher } from "../core/net/fetcher.types.ts";
import { type GitBatch, gitBatch } from "../core/registry/git-batch.ts";
import { apiGitObjects } from "../core/registry/git-objects-api.ts";
import { gitSource } from "../core/registry/registry-git.ts";
import { publicGoodTrustedRoot } from "../core/signature/trusted-root.ts";
import { actionsLogText } from "../core/text/actions-log.ts";
import { tufTrustedRootFetcher } from "../net/sigstore-tuf.ts";
import { pullRequestChanges } from "./diff.ts";
import { gateFetcher, gateHttpFetcher, gateOci } from "./download.ts";
import type { PullRequestEvent } from "./event.ts";
import type { GitHubApi } from "./github.ts";
import type { Settings } from "./inputs.ts";

/** Ports a check may be given instead of the real ones (tests, the benchmark). */
export interface Ports {
  fetcher?: Fetcher;
  now?: () => Date;
}

/** What the gate asks of the Action: the fetcher, public good's root through TUF, the PR's approvals. */
export function gatePorts(settings: Settings, ports: Ports, approvals?: GatePorts["approvals"]): GatePorts {
  const policy = {
    maxBytes: settings.maxDownloadBytes,
    timeoutMs: settings.downloadTimeoutMs,
    allowLoopbackHttp: settings.allowLoopbackHttp,
  };
  // One HTTP fetcher for artifacts (through the mirror, if any) and images (never through it).
  const http = ports.fetcher ?? gateHttpFetcher(policy);
  return {
    fetcher: ports.fetcher ?? gateFetcher(policy, settings.artifactMirror, http),
    ...(settings.verifyImages ? { oci: gateOci(policy, http) } : {}),
    publicGoodRoot: () => publicGoodTrustedRoot(tufTrustedRootFetcher({ cachePath: settings.tufCachePath })),
    ...(approvals ? { approvals } : {}),
    ...(ports.now ? { now: ports.now } : {}),
  };
}

/** The PR's standing approvals from the API; a failure to read them is logged and counts none. */
function approvalsFrom(
  api: GitHubApi,
  event: PullRequestEvent,
): () => Promise<{ id: number; login: string }[]> {
  return async () => {
    try {
      const approvedBy = standingApprovals(await api.listReviews(event.number), event.headSha);
      if (approvedBy.length > 0)
        core.info(
          `Approvals on ${event.headSha.slice(0, 12)}: ${approvedBy.map((a) => `${a.login} (${a.id})`).join(", ")}`,
        );
      return approvedBy;
    } catch (error) {
      const status = (error as { status?: number }).status;
      core.warning(
        `The pull request's reviews could not be read (${status ? `HTTP ${status}` : (error as Error).message}): maintainer approvals are not counted.`,
      );
      return [];
    }
  };
}

/**
 * Pull-request mode: the commits from the local object database (or, in a shallow checkout,
 * through the REST git database API), the changed files from git (or the API's file list), the
 * reviews from the API; the decision is core's (core/gate/check-change.ts), as for `gate`.
 */
export async function checkPullRequest(
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
  ports: Ports = {},
): Promise<GateReport> {
  const reader = gitBatch(settings.workspace);
  try {
    return await check(settings, event, api, ports, reader);
  } finally {
    reader.close();
  }
}

async function check(
  settings: Settings,
  event: PullRequestEvent,
  api: GitHubApi | undefined,
  ports: Ports,
  reader: GitBatch,
): Promise<GateReport> {
  if (event.coAuthor)
    core.info(
      actionsLogText(
        `Opened by ${event.author.login} (${event.author.id}) from a fork of ${event.coAuthor.login} (${event.coAuthor.id}), who pushes its commits: the change must be one both may make.`,
      ),
    );
  const local = Boolean((await reader.commit(event.baseSha)) && (await reader.commit(event.headSha)));
  const { changes, from, baseInHead } = await pullRequestChanges(
    settings.workspace,
    event.baseSha,
    event.headSha,
    api,
    event.number,
    local,
  );
  const objects = local || !api ? reader : apiGitObjects(api);
  return checkChange(
    {
      base: gitSource(objects, event.baseSha, settings.registryPath),
      head: gitSource(objects, event.headSha, settings.registryPath),
      headSha: event.headSha,
      changes,
      changesFrom: from,
      baseInHead,
      author: event.author,
      ...(event.coAuthor ? { coAuthor: event.coAuthor } : {}),
      prNumber: event.number,
    },
    settings,
    gatePorts(settings, ports, api ? approvalsFrom(api, event) : undefined),
  );
}
