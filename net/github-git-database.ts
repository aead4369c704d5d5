import { kindOfMode } from "../core/registry/git-objects.types.ts";
import type { GitDatabaseApi } from "../core/registry/git-objects-api.ts";

/**
 * One GitHub REST call, as Octokit's `request` makes it (route with `{placeholders}`, parameters),
 * so this module needs no GitHub library: the Actions pass their configured `octokit.request`.
 */
export type GitHubRequest = (route: string, parameters: Record<string, string>) => Promise<{ data: unknown }>;

const missing = (error: unknown): boolean => {
  const status = (error as { status?: unknown }).status;
  return status === 404 || status === 422;
};

async function orMissing(
  call: () => Promise<{ data: unknown }>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const { data } = await call();
    if (typeof data !== "object" || data === null)
      throw new Error("GitHub answered with something other than an object");
    return data as Record<string, unknown>;
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  }
}

const text = (value: unknown, what: string): string => {
  if (typeof value !== "string") throw new Error(`GitHub's answer lacks ${what}`);
  return value;
};

/**
 * GitHub's git database API (commits, trees and blobs by id) for one repository: what the gate's
 * shallow-checkout fallback and the release Action read a registry through. Answers are checked
 * before use; a truncated tree listing is an error, never a pass.
 */
export function gitDatabaseApi(request: GitHubRequest, owner: string, repo: string): GitDatabaseApi {
  return {
    async commitTree(sha) {
      const data = await orMissing(() =>
        request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner, repo, commit_sha: sha }),
      );
      return data && text((data.tree as { sha?: unknown } | undefined)?.sha, "a commit's tree");
    },
    async tree(sha) {
      const data = await orMissing(() =>
        request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: sha }),
      );
      if (!data) return undefined;
      if (data.truncated !== false)
        throw new Error(`GitHub truncated the listing of tree ${sha}: check out with fetch-depth: 0`);
      if (!Array.isArray(data.tree)) throw new Error(`GitHub's listing of tree ${sha} has no entries`);
      return data.tree.map((e: { path?: unknown; mode?: unknown; sha?: unknown }) => ({
        name: text(e.path, "an entry's path"),
        kind: kindOfMode(text(e.mode, "an entry's mode")),
        oid: text(e.sha, "an entry's id"),
      }));
    },
    async blob(sha) {
      const data = await orMissing(() =>
        request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { owner, repo, file_sha: sha }),
      );
      if (!data) return undefined;
      const content = text(data.content, "a blob's content");
      return new Uint8Array(Buffer.from(content, data.encoding === "base64" ? "base64" : "utf8"));
    },
  };
}
