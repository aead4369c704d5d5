import { Octokit } from "@octokit/rest";
import type { GitDatabaseApi } from "../core/registry/git-objects-api.ts";
import { gitDatabaseApi } from "../net/github-git-database.ts";
import type { ReleaseAsset, ReleasePayload } from "./event.ts";
import type { RepoName } from "./settings.ts";

/** The REST calls the release Action makes, behind one port (tests point it at a loopback server). */
export interface GitHubApi {
  releaseByTag(repo: RepoName, tag: string): Promise<ReleasePayload>;
  /** A release asset's bytes (through the API, so private repositories work too). */
  downloadAsset(repo: RepoName, id: number): Promise<Uint8Array>;
  uploadAsset(uploadUrl: string, name: string, bytes: Uint8Array): Promise<ReleaseAsset>;
  defaultBranch(repo: RepoName): Promise<string>;
  branchSha(repo: RepoName, branch: string): Promise<string | undefined>;
  /** The repository's git database (commits, trees, blobs by id): how the registry is read. */
  objects(repo: RepoName): GitDatabaseApi;
  /** A commit on `parent` that writes `files` (repository-relative paths); returns its SHA. */
  commitFiles(
    repo: RepoName,
    parent: string,
    files: Map<string, Uint8Array>,
    message: string,
  ): Promise<string>;
  /** Points `branch` at `sha`, creating it or moving it (force: the branch is the Action's own). */
  setBranch(repo: RepoName, branch: string, sha: string): Promise<void>;
  /** Brings a fork's branch up to date with its upstream (GitHub's "Sync fork"). */
  syncFork(fork: RepoName, branch: string): Promise<void>;
  findPull(repo: RepoName, head: string, base: string): Promise<PullRequest | undefined>;
  createPull(
    repo: RepoName,
    pull: { title: string; body: string; head: string; base: string },
  ): Promise<PullRequest>;
  updatePull(repo: RepoName, number: number, pull: { title: string; body: string }): Promise<PullRequest>;
}

export interface PullRequest {
  number: number;
  url: string;
}

const status = (error: unknown): unknown => (error as { status?: unknown }).status;

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/** The real API over @octokit/rest; `baseUrl` is GITHUB_API_URL (github.com or GHES). */
export function gitHubApi(token: string, baseUrl: string): GitHubApi {
  const octokit = new Octokit({
    ...(token ? { auth: token } : {}),
    baseUrl,
    userAgent: "finfocus-registry-release",
    request: { retries: 0 },
  });
  const raw = async (call: Promise<{ data: unknown }>): Promise<Uint8Array> => {
    const { data } = await call;
    if (typeof data === "string") return new TextEncoder().encode(data);
    return new Uint8Array(data as ArrayBuffer);
  };
  return {
    async releaseByTag(repo, tag) {
      return (await octokit.rest.repos.getReleaseByTag({ ...repo, tag })).data as ReleasePayload;
    },
    downloadAsset: (repo, id) =>
      raw(
        octokit.rest.repos.getReleaseAsset({
          ...repo,
          asset_id: id,
          headers: { accept: "application/octet-stream" },
        }),
      ),
    async uploadAsset(uploadUrl, name, bytes) {
      const { data } = await octokit.rest.repos.uploadReleaseAsset({
        url: uploadUrl,
        owner: "",
        repo: "",
        release_id: 0,
        name,
        data: bytes as unknown as string,
        headers: { "content-type": "application/octet-stream", "content-length": bytes.byteLength },
      });
      return { id: data.id, name: data.name, browserDownloadUrl: data.browser_download_url };
    },
    async defaultBranch(repo) {
      return (await octokit.rest.repos.get({ ...repo })).data.default_branch;
    },
    async branchSha(repo, branch) {
      const ref = await orUndefined(octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` }));
      return ref?.data.object.sha;
    },
    objects: (repo) => gitDatabaseApi(octokit.request, repo.owner, repo.repo),
    async commitFiles(repo, parent, files, message) {
      const base = await octokit.rest.git.getCommit({ ...repo, commit_sha: parent });
      const tree = [];
      for (const [path, bytes] of files) {
        const blob = await octokit.rest.git.createBlob({
          ...repo,
          content: Buffer.from(bytes).toString("base64"),
          encoding: "base64",
        });
        tree.push({ path, mode: "100644" as const, type: "blob" as const, sha: blob.data.sha });
      }
      const created = await octokit.rest.git.createTree({ ...repo, base_tree: base.data.tree.sha, tree });
      const commit = await octokit.rest.git.createCommit({
        ...repo,
        message,
        tree: created.data.sha,
        parents: [parent],
      });
      return commit.data.sha;
    },
    async setBranch(repo, branch, sha) {
      const exists = await orUndefined(octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` }));
      if (exists) await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true });
      else await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
    },
    async syncFork(fork, branch) {
      await octokit.rest.repos.mergeUpstream({ ...fork, branch });
    },
    async findPull(repo, head, base) {
      const { data } = await octokit.rest.pulls.list({ ...repo, head, base, state: "open", per_page: 10 });
      const pull = data[0];
      return pull ? { number: pull.number, url: pull.html_url } : undefined;
    },
    async createPull(repo, pull) {
      const { data } = await octokit.rest.pulls.create({ ...repo, ...pull, maintainer_can_modify: true });
      return { number: data.number, url: data.html_url };
    },
    async updatePull(repo, number, pull) {
      const { data } = await octokit.rest.pulls.update({ ...repo, pull_number: number, ...pull });
      return { number: data.number, url: data.html_url };
    },
  };
}
