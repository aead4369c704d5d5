import { Octokit } from "@octokit/rest";

/** The hidden marker that identifies the gate's sticky comment. */
export const COMMENT_MARKER = "<!-- finfocus-registry-gate -->";

/** The REST calls the gate makes, behind one port so tests can point it at a loopback server. */
export interface GitHubApi {
  listPullRequestFiles(
    prNumber: number,
  ): Promise<{ filename: string; status: string; previous_filename?: string }[]>;
  /** Reads one file at a commit (raw bytes), undefined when absent. */
  readFile(path: string, ref: string): Promise<Uint8Array | undefined>;
  /** Lists a directory at a commit (names only), [] when absent. */
  listDir(path: string, ref: string): Promise<string[]>;
  /**
   * Creates the sticky comment, or updates the existing one: the first comment by a bot account
   * that carries the marker. Never creates a second one.
   */
  upsertComment(
    prNumber: number,
    body: string,
    createIfMissing: boolean,
  ): Promise<{ id?: number; action: "created" | "updated" | "skipped" }>;
}

function isStatus(error: unknown, status: number): boolean {
  return (error as { status?: unknown }).status === status;
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
    async readFile(path, ref) {
      try {
        const response = await octokit.rest.repos.getContent({
          owner,
          repo,
          path,
          ref,
          mediaType: { format: "raw" },
        });
        const data = response.data as unknown;
        if (typeof data === "string") return new TextEncoder().encode(data);
        if (data instanceof ArrayBuffer) return new Uint8Array(data);
        return undefined;
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    },
    async listDir(path, ref) {
      try {
        const response = await octokit.rest.repos.getContent({ owner, repo, path, ref });
        return Array.isArray(response.data) ? response.data.map((e) => e.name).sort() : [];
      } catch (error) {
        if (isStatus(error, 404)) return [];
        throw error;
      }
    },
    async upsertComment(prNumber, body, createIfMissing) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: prNumber,
        per_page: 100,
      });
      const mine = comments.find((c) => c.user?.type === "Bot" && (c.body ?? "").includes(COMMENT_MARKER));
      if (mine) {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
        return { id: mine.id, action: "updated" };
      }
      if (!createIfMissing) return { action: "skipped" };
      const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body });
      return { id: created.data.id, action: "created" };
    },
  };
}
