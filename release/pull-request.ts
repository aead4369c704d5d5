import type { GitHubApi, PullRequest } from "./github.ts";
import { inRepository } from "./registry-source.ts";
import type { RepoName } from "./settings.ts";

/** Where the pull request goes and what it carries. */
export interface PullRequestPlan {
  registry: RepoName;
  registryPath: string;
  /** The registry branch the pull request targets, and its commit the files were checked against. */
  base: { branch: string; sha: string };
  /** Where the branch is pushed: the registry itself or a fork of it. */
  pushTo: RepoName;
  branch: string;
  /** Registry-relative paths and bytes. */
  files: ReadonlyMap<string, Uint8Array>;
  title: string;
  body: string;
}

/** The branch the Action owns for one version: re-runs move it instead of opening another PR. */
export function releaseBranch(name: string, version: string): string {
  return `finfocus-release/${name}-${version}`;
}

/**
 * Commits the files on top of the checked base commit, points the Action's branch at it (in the
 * registry or in a fork, synced first), then opens the pull request or, when one is already open
 * for that branch, updates its title and body: one pull request per version, however often the
 * release is re-run.
 */
export async function openOrUpdatePullRequest(
  api: GitHubApi,
  plan: PullRequestPlan,
): Promise<PullRequest & { action: "created" | "updated" }> {
  const forked = plan.pushTo.owner !== plan.registry.owner || plan.pushTo.repo !== plan.registry.repo;
  if (forked) await api.syncFork(plan.pushTo, plan.base.branch);
  const files = new Map<string, Uint8Array>();
  for (const [rel, bytes] of plan.files) files.set(inRepository(plan.registryPath, rel), bytes);
  const sha = await api.commitFiles(plan.pushTo, plan.base.sha, files, plan.title);
  await api.setBranch(plan.pushTo, plan.branch, sha);
  const head = `${plan.pushTo.owner}:${plan.branch}`;
  const open = await api.findPull(plan.registry, head, plan.base.branch);
  const content = { title: plan.title, body: plan.body };
  if (open) return { ...(await api.updatePull(plan.registry, open.number, content)), action: "updated" };
  const created = await api.createPull(plan.registry, { ...content, head, base: plan.base.branch });
  return { ...created, action: "created" };
}
