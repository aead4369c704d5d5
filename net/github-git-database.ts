import type { Octokit } from "@octokit/rest";
import { kindOfMode } from "../core/registry/git-objects.types.ts";
import type { GitDatabaseApi } from "../core/registry/git-objects-api.ts";

const missing = (error: unknown): boolean => {
  const status = (error as { status?: unknown }).status;
  return status === 404 || status === 422;
};

async function orMissing<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  }
}

/**
 * GitHub's git database API (commits, trees and blobs by id) for one repository, over an Octokit
 * the caller configured (token, base URL, retries): what the gate's shallow-checkout fallback and
 * the release Action read a registry through. A truncated tree listing is an error, never a pass.
 */
export function gitDatabaseApi(octokit: Octokit, owner: string, repo: string): GitDatabaseApi {
  return {
    commitTree: (sha) =>
      orMissing(
        async () => (await octokit.rest.git.getCommit({ owner, repo, commit_sha: sha })).data.tree.sha,
      ),
    async tree(sha) {
      const data = await orMissing(
        async () => (await octokit.rest.git.getTree({ owner, repo, tree_sha: sha })).data,
      );
      if (!data) return undefined;
      if (data.truncated)
        throw new Error(`GitHub truncated the listing of tree ${sha}: check out with fetch-depth: 0`);
      return data.tree.map((e) => ({ name: e.path ?? "", kind: kindOfMode(e.mode ?? ""), oid: e.sha ?? "" }));
    },
    async blob(sha) {
      const data = await orMissing(
        async () => (await octokit.rest.git.getBlob({ owner, repo, file_sha: sha })).data,
      );
      if (!data) return undefined;
      return new Uint8Array(Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8"));
    },
  };
}
