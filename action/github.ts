import { Octokit } from "@octokit/rest";
import type { Review } from "../core/governance/approvals.ts";
import type { GitDatabaseApi } from "../core/registry/git-objects-api.ts";
import { gitDatabaseApi } from "../net/github-git-database.ts";

/** The hidden marker that identifies the gate's sticky comment. */
export const COMMENT_MARKER = "<!-- finfocus-registry-gate -->";

/** An account as the API reports it. */
export interface ApiUser {
  id: number;
  login: string;
  type?: string;
}

/** An issue comment as the API reports it. */
export interface ApiComment {
  id: number;
  body?: string;
  user: ApiUser | null;
}

/** The REST and GraphQL calls the gate makes, behind one port so tests point it at a loopback server. */
export interface GitHubApi extends GitDatabaseApi {
  /** The pull request's current head and how many files it changes. */
  pullRequest(prNumber: number): Promise<{ headSha: string; changedFiles: number }>;
  listPullRequestFiles(
    prNumber: number,
  ): Promise<{ filename: string; status: string; previous_filename?: string }[]>;
  listReviews(prNumber: number): Promise<Review[]>;
  /**
   * How `head` stands to `base` (GET /compare/{base}...{head}): "ahead" or "identical" when the
   * head contains the base, "behind" or "diverged" when it does not.
   */
  compareStatus(base: string, head: string): Promise<string>;
  /** Who the token is (GraphQL `viewer`: works for GITHUB_TOKEN, app and personal tokens alike). */
  viewer(): Promise<ApiUser>;
  listComments(prNumber: number): Promise<ApiComment[]>;
  createComment(prNumber: number, body: string): Promise<number>;
  updateComment(commentId: number, body: string): Promise<void>;
  addLabel(prNumber: number, label: string): Promise<void>;
  /** Removes a label; a label the PR does not have is no error. */
  removeLabel(prNumber: number, label: string): Promise<void>;
}

/** The real API over Octokit; `baseUrl` is GITHUB_API_URL (github.com or GHES). */
export function gitHubApi(token: string, baseUrl: string, repository: string): GitHubApi {
  const [owner = "", repo = ""] = repository.split("/");
  const octokit = new Octokit({
    auth: token,
    baseUrl,
    userAgent: "finfocus-registry-gate",
    request: { retries: 0 },
  });
  return {
    async pullRequest(prNumber) {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: prNumber });
      return { headSha: data.head.sha, changedFiles: data.changed_files };
    },
    async listPullRequestFiles(prNumber) {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner,
        repo,
        pull_number: prNumber,
        per_page: 100,
      });
      return files.map((f) => ({
        filename: f.filename,
        status: f.status,
        ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
      }));
    },
    async listReviews(prNumber) {
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
        owner,
        repo,
        pull_number: prNumber,
        per_page: 100,
      });
      return reviews.map((r) => ({
        id: r.id,
        user: r.user ? { id: r.user.id, login: r.user.login } : null,
        state: r.state,
        commit_id: r.commit_id,
        submitted_at: r.submitted_at ?? null,
      }));
    },
    async compareStatus(base, head) {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${base}...${head}`,
        per_page: 1,
      });
      return data.status;
    },
    async viewer() {
      const result = await octokit.graphql<{ viewer: { databaseId: number; login: string } }>(
        "query { viewer { databaseId login } }",
      );
      return { id: result.viewer.databaseId, login: result.viewer.login };
    },
    async listComments(prNumber) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: prNumber,
        per_page: 100,
      });
      return comments.map((c) => ({
        id: c.id,
        ...(c.body !== undefined ? { body: c.body } : {}),
        user: c.user ? { id: c.user.id, login: c.user.login, type: c.user.type } : null,
      }));
    },
    async createComment(prNumber, body) {
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body });
      return data.id;
    },
    async updateComment(commentId, body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body });
    },
    ...gitDatabaseApi(octokit.request, owner, repo),
    async addLabel(prNumber, label) {
      await octokit.rest.issues.addLabels({ owner, repo, issue_number: prNumber, labels: [label] });
    },
    async removeLabel(prNumber, label) {
      try {
        await octokit.rest.issues.removeLabel({ owner, repo, issue_number: prNumber, name: label });
      } catch (error) {
        if ((error as { status?: unknown }).status !== 404) throw error;
      }
    },
  };
}
