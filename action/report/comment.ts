import { type ApiComment, COMMENT_MARKER, type GitHubApi } from "../github.ts";

/** Whose comments the gate may update: an id learned from the API, or a configured login. */
export type CommentAuthor = { id: number; login: string } | { login: string };

/**
 * The gate's sticky comment among a PR's comments: the first that carries the marker AND was
 * written by the gate's own identity (by numeric id when known, else by login, case-insensitive).
 * A marker in anyone else's comment, another bot's included, is ignored: updating it would put
 * the gate's verdict under someone else's name, or let them seed the comment the gate edits.
 */
export function ownComment(comments: readonly ApiComment[], author: CommentAuthor): ApiComment | undefined {
  return comments.find((c) => {
    if (!c.user || !(c.body ?? "").includes(COMMENT_MARKER)) return false;
    if ("id" in author) return c.user.id === author.id;
    return c.user.login.toLowerCase() === author.login.toLowerCase();
  });
}

/**
 * Who the gate comments as: `auto` asks the API who the token is (GraphQL `viewer`, which
 * answers for GITHUB_TOKEN as `github-actions[bot]`, where REST `GET /user` is refused);
 * anything else is the login of the token's account.
 */
export async function commentAuthor(api: GitHubApi, setting: string): Promise<CommentAuthor> {
  if (setting !== "auto") return { login: setting };
  return api.viewer();
}

/** Creates the sticky comment, or updates the gate's own one; never a second one, never another's. */
export async function upsertComment(
  api: GitHubApi,
  prNumber: number,
  body: string,
  createIfMissing: boolean,
  author: CommentAuthor,
): Promise<{ id?: number; action: "created" | "updated" | "skipped" }> {
  const mine = ownComment(await api.listComments(prNumber), author);
  if (mine) {
    await api.updateComment(mine.id, body);
    return { id: mine.id, action: "updated" };
  }
  if (!createIfMissing) return { action: "skipped" };
  return { id: await api.createComment(prNumber, body), action: "created" };
}
